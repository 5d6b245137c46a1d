import "server-only";
import { AppError } from "@/lib/errors";
import { noteRequestOutage } from "@/lib/log/request-record";
import { databaseFaultOf, describeDatabaseFault, RETRY_AFTER_SECONDS } from "./database-fault";

/**
 * The 503 for an error that is a database fault (lib/db/database-fault.ts), or null for any other
 * error. The public message says what to do; the log gets the driver's own words.
 */
export function databaseUnavailableError(error: unknown): AppError | null {
  const fault = databaseFaultOf(error);
  if (!fault) return null;
  noteRequestOutage(RETRY_AFTER_SECONDS[fault.kind]);
  return new AppError(
    "database_unavailable",
    "The portal's database is unavailable right now, so nothing was done. Try again in a few seconds.",
    {
      internalReason: describeDatabaseFault(fault),
      retryAfterSeconds: RETRY_AFTER_SECONDS[fault.kind],
      cause: error,
    },
  );
}

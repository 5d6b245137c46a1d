import "server-only";
import type { AdminResult } from "@/lib/admin/admin-result";
import { databaseFaultOf, describeDatabaseFault } from "@/lib/db/database-fault";
import { isAppError } from "@/lib/errors";
import { log } from "@/lib/log";

/**
 * Runs an admin change. When its audit record can't be written the whole transaction, change
 * included, has been rolled back (docs/INVARIANTS.md invariant 2): the admin is told so, by the form. A
 * database fault (docs/DATABASE-FAULTS.md) is told the same way, never as a crashed page.
 */
export async function auditedChange(run: () => Promise<AdminResult>): Promise<AdminResult> {
  try {
    return await run();
  } catch (error) {
    if (isAppError(error) && error.code === "audit_unavailable")
      return {
        ok: false,
        reason: "audit_unavailable",
        errors: {
          form: "The audit log could not record this change, so it was not made. Try again shortly.",
        },
      };
    const fault = databaseFaultOf(error);
    if (fault) {
      log.warn("database unavailable during an admin change", {
        reason: describeDatabaseFault(fault),
      });
      return {
        ok: false,
        reason: "database_unavailable",
        errors: {
          form: "The database is unavailable right now, so this change may not have been saved. Reload the page in a few seconds to see where it stands.",
        },
      };
    }
    throw error;
  }
}

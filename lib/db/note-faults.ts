import "server-only";
import type { SqlDriverAdapter, Transaction } from "@prisma/driver-adapter-utils";
import { noteRequestOutage } from "@/lib/log/request-record";
import { databaseFaultOf, RETRY_AFTER_SECONDS } from "./database-fault";

/** Marks the current request as hit by a database outage when `error` is a database fault. */
function noteIfFault(error: unknown): void {
  const fault = databaseFaultOf(error);
  if (fault) noteRequestOutage(RETRY_AFTER_SECONDS[fault.kind]);
}

async function noting<T>(run: () => Promise<T>): Promise<T> {
  try {
    return await run();
  } catch (error) {
    noteIfFault(error);
    throw error;
  }
}

/**
 * The adapter with every statement's database fault noted on the request being served
 * (docs/DATABASE-FAULTS.md): wherever a page or handler meets the outage — not only at the session
 * check — its answer becomes a 503 with Retry-After instead of a generic 500. Outside a request
 * (the worker, a script) noting does nothing. Errors pass through unchanged.
 */
export function notingFaults(adapter: SqlDriverAdapter): SqlDriverAdapter {
  const tx = (t: Transaction): Transaction => ({
    provider: t.provider,
    adapterName: t.adapterName,
    options: t.options,
    queryRaw: (q) => noting(() => t.queryRaw(q)),
    executeRaw: (q) => noting(() => t.executeRaw(q)),
    commit: () => noting(() => t.commit()),
    rollback: () => noting(() => t.rollback()),
  });
  return {
    provider: adapter.provider,
    adapterName: adapter.adapterName,
    queryRaw: (q) => noting(() => adapter.queryRaw(q)),
    executeRaw: (q) => noting(() => adapter.executeRaw(q)),
    executeScript: (s) => noting(() => adapter.executeScript(s)),
    startTransaction: async (level) => tx(await noting(() => adapter.startTransaction(level))),
    getConnectionInfo: adapter.getConnectionInfo?.bind(adapter),
    dispose: () => adapter.dispose(),
  };
}

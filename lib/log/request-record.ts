import { AsyncLocalStorage } from "node:async_hooks";

/**
 * What the server (server.ts, docs/OPERATIONS.md "Logs") learns while a request runs: who made it,
 * and whether it met a database outage. The server opens a record around each request; code that identifies the
 * caller notes the person in it. One store per process, shared through globalThis because
 * server.ts and the Next.js bundles load this module separately.
 */
export interface RequestRecord {
  personId?: string;
  /**
   * Set when the request hit a database or audit outage: a generic 500 that follows (a page whose
   * render threw) is answered as 503 with this Retry-After instead (server.ts).
   */
  outageRetryAfterSeconds?: number;
}

const KEY = Symbol.for("gatehouse.request-record");
const holder = globalThis as unknown as { [KEY]?: AsyncLocalStorage<RequestRecord> };

export const requestRecords: AsyncLocalStorage<RequestRecord> = (holder[KEY] ??=
  new AsyncLocalStorage<RequestRecord>());

/** Notes that the current request met a database or audit outage (see `RequestRecord`). */
export function noteRequestOutage(retryAfterSeconds: number): void {
  const record = requestRecords.getStore();
  if (record) record.outageRetryAfterSeconds = retryAfterSeconds;
}

/** Notes who is making the current request; outside a request (a script, a test) it does nothing. */
export function noteRequestPerson(personId: string): void {
  const record = requestRecords.getStore();
  if (record) record.personId = personId;
}

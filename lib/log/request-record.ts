import { AsyncLocalStorage } from "node:async_hooks";

/**
 * What the request log line (server.ts, docs/OPERATIONS.md "Logs") learns while a request runs:
 * today, who made it. The server opens a record around each request; code that identifies the
 * caller notes the person in it. One store per process, shared through globalThis because
 * server.ts and the Next.js bundles load this module separately.
 */
export interface RequestRecord {
  personId?: string;
}

const KEY = Symbol.for("gatehouse.request-record");
const holder = globalThis as unknown as { [KEY]?: AsyncLocalStorage<RequestRecord> };

export const requestRecords: AsyncLocalStorage<RequestRecord> = (holder[KEY] ??=
  new AsyncLocalStorage<RequestRecord>());

/** Notes who is making the current request; outside a request (a script, a test) it does nothing. */
export function noteRequestPerson(personId: string): void {
  const record = requestRecords.getStore();
  if (record) record.personId = personId;
}

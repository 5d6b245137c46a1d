// A steady stream of CLI-credential issuances from a few concurrent clients, recording every
// outcome, for the fault tests: they change the world (a full disk, dropped connections, a failing
// audit log) when the stream reaches a count of outcomes, never after a wall-clock sleep, and then
// read what each request got.
import type { PortalSession } from "./portal-client";

export interface IssuanceOutcome {
  status: number;
  /** The JSON error code, for an error; null for a 200 (or a body that is not JSON). */
  code: string | null;
  retryAfter: string | null;
  requestId: string | null;
  accessKeyId: string | null;
  startedAt: number;
  endedAt: number;
  /** No answer within the per-request limit: a hang. */
  hung: boolean;
}

export interface IssuanceStream {
  readonly outcomes: readonly IssuanceOutcome[];
  /** Resolves once `predicate` holds for the outcomes so far (checked after each outcome). */
  until(predicate: (outcomes: readonly IssuanceOutcome[]) => boolean, what: string): Promise<void>;
  /** Stops issuing and waits for the requests in flight; the outcomes, in order of ending. */
  stop(): Promise<readonly IssuanceOutcome[]>;
}

/** How long one request may take before it counts as hung. */
const HUNG_AFTER_MS = 20_000;
/** A stream that sees no outcome matching `until` within this many outcomes gives up. */
const MAX_OUTCOMES = 20_000;

export function startIssuanceStream(
  session: PortalSession,
  roleId: string,
  opts: { clients: number },
): IssuanceStream {
  const outcomes: IssuanceOutcome[] = [];
  const waiters: Array<{
    predicate: (o: readonly IssuanceOutcome[]) => boolean;
    resolve: () => void;
    reject: (e: Error) => void;
    what: string;
  }> = [];
  let running = true;

  const settleWaiters = () => {
    for (const w of [...waiters]) {
      if (w.predicate(outcomes)) {
        waiters.splice(waiters.indexOf(w), 1);
        w.resolve();
      } else if (outcomes.length >= MAX_OUTCOMES || !running) {
        waiters.splice(waiters.indexOf(w), 1);
        w.reject(new Error(`the stream ended before ${w.what} (${outcomes.length} outcomes)`));
      }
    }
  };

  const issueOnce = async (): Promise<IssuanceOutcome> => {
    const startedAt = Date.now();
    try {
      const res = await session.request(`/api/roles/${roleId}/credentials`, {
        method: "POST",
        json: {},
        signal: AbortSignal.timeout(HUNG_AFTER_MS),
      });
      const text = await res.text();
      let body: { accessKeyId?: string; error?: { code?: string } } = {};
      try {
        body = JSON.parse(text) as typeof body;
      } catch {
        // not JSON: recorded with code null
      }
      return {
        status: res.status,
        code: body.error?.code ?? null,
        retryAfter: res.headers.get("retry-after"),
        requestId: res.headers.get("x-request-id"),
        accessKeyId: res.status === 200 ? (body.accessKeyId ?? null) : null,
        startedAt,
        endedAt: Date.now(),
        hung: false,
      };
    } catch (error) {
      const hung = error instanceof Error && error.name === "TimeoutError";
      if (!hung) throw error;
      return {
        status: 0,
        code: null,
        retryAfter: null,
        requestId: null,
        accessKeyId: null,
        startedAt,
        endedAt: Date.now(),
        hung,
      };
    }
  };

  const client = async () => {
    while (running && outcomes.length < MAX_OUTCOMES) {
      outcomes.push(await issueOnce());
      settleWaiters();
    }
  };
  const clients = Array.from({ length: opts.clients }, client);

  return {
    outcomes,
    until: (predicate, what) =>
      new Promise((resolve, reject) => {
        waiters.push({ predicate, resolve, reject, what });
        settleWaiters();
      }),
    stop: async () => {
      running = false;
      await Promise.all(clients);
      settleWaiters();
      return outcomes;
    },
  };
}

/** Counts outcomes by what they were: 200, each error code, 500s and hangs. */
export function tally(outcomes: readonly IssuanceOutcome[]): Record<string, number> {
  const counts: Record<string, number> = {};
  for (const o of outcomes) {
    const key = o.hung ? "hung" : o.status === 200 ? "200" : `${o.status} ${o.code ?? "?"}`;
    counts[key] = (counts[key] ?? 0) + 1;
  }
  return counts;
}

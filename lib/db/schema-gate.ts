import { checkSchemaCurrent, type SchemaState } from "./schema-version";

/** How often a replica waiting for migrations looks again, with or without traffic. */
const RECHECK_MS = 5_000;

interface GateState {
  behind: boolean;
  looking: Promise<boolean> | null;
  look: (() => Promise<boolean>) | null;
}

/** Shared through globalThis: server.ts holds the gate, /api/ready (in Next.js's bundle) opens it. */
const KEY = Symbol.for("gatehouse.schema-gate");
const holder = globalThis as unknown as { [KEY]?: GateState };
const state: GateState = (holder[KEY] ??= { behind: false, looking: null, look: null });

/**
 * The server's guard against serving on an old schema (docs/OPERATIONS.md "Schema and
 * migrations"): asked once before listening and, while the database is behind this code, again
 * on the next request, on every readiness probe that finds it current, and every few seconds — so
 * a replica started before another one ran the migrations serves as soon as they land. An
 * unreachable database does not close the gate: requests then fail (and are retried) as in any
 * database outage.
 */
export async function openSchemaGate(
  databaseUrl: string,
  report: (state: SchemaState) => void,
): Promise<{ isBehind(): boolean }> {
  const lookOnce = async () => {
    const found = await checkSchemaCurrent(databaseUrl);
    const nowBehind = !found.current && found.behind;
    if (nowBehind !== state.behind) report(found);
    state.behind = nowBehind;
    return nowBehind;
  };
  state.look = () =>
    (state.looking ??= lookOnce().finally(() => {
      state.looking = null;
    }));
  if (await state.look()) {
    const timer = setInterval(() => {
      if (!state.behind) clearInterval(timer);
      else void state.look?.();
    }, RECHECK_MS);
    timer.unref();
  }
  return {
    isBehind() {
      // While behind, each request asks again (one question at a time).
      if (state.behind) void state.look?.();
      return state.behind;
    },
  };
}

/** Readiness found the schema current: the gate opens without waiting for its own look. */
export function noteSchemaCurrent(): void {
  state.behind = false;
}

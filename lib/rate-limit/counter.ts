import "server-only";
import { bind, boundSql } from "@/lib/db/bound-sql";
import type { Db } from "@/lib/db/client";
import { AppError } from "@/lib/errors";
import { metrics } from "@/lib/metrics/registry";
import type { RateLimitName, RateLimits } from "./settings";

/**
 * Rate limits kept in the database, so every replica counts together (docs/SECURITY.md "Rate
 * limits"): one fixed-window counter row per limited thing, incremented by one atomic upsert. A
 * request over the limit is answered 429 with Retry-After (the seconds left in the window).
 */

export interface Consumed {
  count: number;
  allowed: boolean;
  retryAfterSeconds: number;
}

/** Expired rows go now and then, on the write path (no scheduler needed). */
const CLEANUP_EVERY = 500;
let sinceCleanup = 0;

/** The fixed window `now` falls in, for `windowSeconds`-long windows (epoch seconds). */
function windowOf(windowSeconds: number, now: Date) {
  const seconds = Math.floor(now.getTime() / 1000);
  const window = Math.floor(seconds / windowSeconds);
  return { seconds, window, windowEnd: (window + 1) * windowSeconds };
}

/** One atomic count-up of `key`; lazy, so several can run in one transaction. */
function countUp(db: Db, key: string, window: number, windowEnd: number) {
  // Same SQL on SQLite (3.35+) and PostgreSQL: insert, or count on in this window, or restart.
  return db.$queryRaw<Array<{ count: number | bigint }>>`
    INSERT INTO "RateLimitCounter" ("key", "window", "count", "expiresAt")
    VALUES (${key}, ${window}, 1, ${windowEnd})
    ON CONFLICT ("key") DO UPDATE SET
      "count" = CASE WHEN "RateLimitCounter"."window" = excluded."window"
                     THEN "RateLimitCounter"."count" + 1 ELSE 1 END,
      "window" = excluded."window",
      "expiresAt" = excluded."expiresAt"
    RETURNING "count"`;
}

/**
 * countUp for several keys at once, in one statement (atomic, and one commit: on SQLite one
 * fsync) — a multi-row upsert, which may not touch one row twice, so repeated keys are counted
 * in a transaction of single upserts instead. The counts come back in the order of `counters`.
 */
async function countUpAll(
  db: Db,
  counters: ReadonlyArray<{ key: string; window: number; windowEnd: number }>,
): Promise<number[]> {
  const keys = counters.map((c) => c.key);
  if (new Set(keys).size !== keys.length) {
    const results = await db.$transaction(
      counters.map((c) => countUp(db, c.key, c.window, c.windowEnd)),
    );
    return results.map((rows) => Number(rows[0]?.count ?? 1));
  }
  const rows = await db.$queryRaw<Array<{ key: string; count: number | bigint }>>(
    ...boundSql([
      `INSERT INTO "RateLimitCounter" ("key", "window", "count", "expiresAt") VALUES `,
      ...counters.flatMap((c, i) => [
        i === 0 ? "(" : ", (",
        bind(c.key),
        ", ",
        bind(c.window),
        ", 1, ",
        bind(c.windowEnd),
        ")",
      ]),
      ` ON CONFLICT ("key") DO UPDATE SET
          "count" = CASE WHEN "RateLimitCounter"."window" = excluded."window"
                         THEN "RateLimitCounter"."count" + 1 ELSE 1 END,
          "window" = excluded."window",
          "expiresAt" = excluded."expiresAt"
        RETURNING "key", "count"`,
    ]),
  );
  const countOf = new Map(rows.map((row) => [row.key, Number(row.count)]));
  return keys.map((key) => countOf.get(key) ?? 1);
}

async function cleanUpNowAndThen(db: Db, seconds: number, writes: number): Promise<void> {
  sinceCleanup += writes;
  if (sinceCleanup < CLEANUP_EVERY) return;
  sinceCleanup = 0;
  await db.rateLimitCounter.deleteMany({ where: { expiresAt: { lt: seconds } } });
}

/**
 * Counts one request against `key` in the current window of `windowSeconds`.
 */
export async function consumeRateLimit(
  db: Db,
  key: string,
  rule: { limit: number; windowSeconds: number },
  now: Date,
): Promise<Consumed> {
  const { seconds, window, windowEnd } = windowOf(rule.windowSeconds, now);
  const rows = await countUp(db, key, window, windowEnd);
  const count = Number(rows[0]?.count ?? 1);
  await cleanUpNowAndThen(db, seconds, 1);
  return {
    count,
    allowed: count <= rule.limit,
    retryAfterSeconds: Math.max(1, windowEnd - seconds),
  };
}

/**
 * Counts a request of kind `name` for `subject` (a client address or a person's id) and refuses it
 * when over the limit.
 * @throws AppError("rate_limited") with Retry-After
 */
export async function enforceRateLimit(
  db: Db,
  limits: RateLimits,
  name: RateLimitName,
  subject: string,
  now: Date,
): Promise<void> {
  await enforceRateLimits(db, limits, [{ name, subject }], now);
}

/**
 * Several limits on one request (e.g. per person and per address), counted together: in one
 * transaction, so on SQLite one commit (one fsync) instead of one per limit. Every limit is
 * counted; the first one over refuses the request.
 * @throws AppError("rate_limited") with Retry-After
 */
export async function enforceRateLimits(
  db: Db,
  limits: RateLimits,
  checks: ReadonlyArray<{ name: RateLimitName; subject: string }>,
  now: Date,
): Promise<void> {
  const planned = checks.map((check) => ({
    ...check,
    rule: limits[check.name],
    ...windowOf(limits[check.name].windowSeconds, now),
  }));
  const counts = await countUpAll(
    db,
    planned.map((p) => ({
      key: `${p.name}|${p.subject}`,
      window: p.window,
      windowEnd: p.windowEnd,
    })),
  );
  await cleanUpNowAndThen(db, planned[0]?.seconds ?? 0, planned.length);
  planned.forEach((p, i) => {
    const count = counts[i] ?? 1;
    if (count <= p.rule.limit) return;
    const retryAfterSeconds = Math.max(1, p.windowEnd - p.seconds);
    metrics().rateLimited.inc({ limit: p.name });
    throw new AppError(
      "rate_limited",
      `Too many requests. Try again in ${retryAfterSeconds} second${retryAfterSeconds === 1 ? "" : "s"}.`,
      {
        retryAfterSeconds,
        internalReason: `rate limit ${p.name} (${p.rule.limit} per ${p.rule.windowSeconds} s) exceeded for ${p.subject}: request ${count}`,
      },
    );
  });
}

/**
 * The 429 for a browser navigation (a sign-in start, an IdP's post): a short page in plain words
 * with Retry-After, instead of the API's JSON.
 */
export function tooManyRequestsPage(error: AppError, requestId: string): Response {
  const seconds = error.retryAfterSeconds ?? 60;
  const body = `<!doctype html><meta charset="utf-8"><title>Too many requests · Gatehouse</title><main style="font-family:system-ui;max-width:32rem;margin:4rem auto"><h1>Too many requests</h1><p>Too many sign-in attempts came from your network. Wait ${seconds} seconds, then try again.</p><p>Reference: <code>${requestId}</code></p></main>`;
  return new Response(body, {
    status: 429,
    headers: {
      "Content-Type": "text/html; charset=utf-8",
      "Retry-After": String(seconds),
      "Cache-Control": "no-store",
      "x-request-id": requestId,
    },
  });
}

/** Whether an error is a rate-limit refusal (to answer it, not to treat it as a failure). */
export function isRateLimited(error: unknown): error is AppError {
  return error instanceof AppError && error.code === "rate_limited";
}

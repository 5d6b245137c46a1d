import "server-only";
import type { Db } from "@/lib/db/client";
import { consumeRateLimit } from "@/lib/http/rate-limit";
import { writeAuditEvent, type AuditEventInput } from "./write-audit-event";

/** The window over which an address's refusals are counted into the same audit rows. */
const WINDOW_SECONDS = 600;
/** Counts at which another row is written: the first refusal, then each tenfold. */
const MILESTONES = new Set([1, 10, 100, 1_000, 10_000, 100_000, 1_000_000]);

/**
 * Records the refusal of a request nobody is signed in for (docs/SECURITY.md "Rate limits"): an
 * outsider must not be able to fill the audit log. Per client address and action, the first
 * refusal of each ten-minute window is written with its reason, then one more row each time the
 * count reaches 10, 100, 1,000 …, saying how many there have been — so the log says what
 * happened, from where and how often, in a handful of rows. Every refusal still gets its log line
 * (with its request id) from the caller.
 */
export async function recordAnonymousRefusal(
  db: Db,
  input: AuditEventInput,
  now: Date,
): Promise<void> {
  const source = input.meta.ip ?? "unknown";
  const { count } = await consumeRateLimit(
    db,
    `audit|${input.action}|${source}`,
    { limit: Number.MAX_SAFE_INTEGER, windowSeconds: WINDOW_SECONDS },
    now,
  );
  if (!MILESTONES.has(count)) return;
  await writeAuditEvent(db, {
    ...input,
    details: {
      ...input.details,
      refusalsFromThisAddress: count,
      countedOver: `${WINDOW_SECONDS / 60} minutes`,
    },
  });
}

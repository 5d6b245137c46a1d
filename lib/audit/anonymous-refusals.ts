import "server-only";
import { countAuditedOutcome } from "@/lib/metrics/audited-outcomes";
import type { Db } from "@/lib/db/client";
import { getConfig } from "@/lib/config";
import { consumeRateLimit } from "@/lib/rate-limit/counter";
import type { RateLimits } from "@/lib/rate-limit/settings";
import { writeAuditEvent, type AuditEventInput } from "./write-audit-event";

/** Counts past the per-window allowance at which another row is written: each tenfold. */
const MILESTONES = new Set([1, 10, 100, 1_000, 10_000, 100_000, 1_000_000]);

/**
 * Records the refusal of a request nobody is signed in for (docs/SECURITY.md "Rate limits"): an
 * outsider must not be able to fill the audit log. Per client address and action, the first few
 * refusals of each window ("audited-refusals", 5 per ten minutes by default) are written with
 * their reason, then one more row each time the count reaches 10, 100, 1,000 …, saying how many
 * there have been — so the log says what happened, from where and how often, in a handful of
 * rows. Every refusal still gets its log line (with its request id) from the caller.
 */
export async function recordAnonymousRefusal(
  db: Db,
  input: AuditEventInput,
  now: Date,
  limits: RateLimits = getConfig().rateLimits,
): Promise<void> {
  const source = input.meta.ip ?? "unknown";
  const allowance = limits["audited-refusals"];
  const { count } = await consumeRateLimit(
    db,
    `audit|${input.action}|${source}`,
    { limit: Number.MAX_SAFE_INTEGER, windowSeconds: allowance.windowSeconds },
    now,
  );
  if (count > allowance.limit && !MILESTONES.has(count)) {
    // Not written, but counted: the metrics see every refusal.
    countAuditedOutcome(input);
    return;
  }
  await writeAuditEvent(db, {
    ...input,
    details: {
      ...input.details,
      refusalsFromThisAddress: count,
      countedOver: `${allowance.windowSeconds} seconds`,
    },
  });
}

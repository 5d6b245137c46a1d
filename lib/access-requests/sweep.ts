import "server-only";
import { randomUUID } from "node:crypto";
import { SYSTEM_ACTOR } from "@/lib/audit/write-audit-event";
import type { Db } from "@/lib/db/client";
import { recordRequestEvent, type NotifySettings, type RequestEvent } from "./events";
import { requestInclude } from "./request-view";

/** How many changes one sweep writes at most (the next sweep takes the rest). */
const SWEEP_BATCH = 200;

/**
 * Writes what the clock already decided: pending requests past their deadline become expired,
 * approved ones that reached their start are marked activated, and those past their end are
 * marked ended — each with its audit event and webhook, in one transaction per request. Issuance
 * never waits for this (it reads the times itself); the sweep only makes the record and the
 * notifications. Every change is conditional on the row not having moved, so replicas sweeping
 * at once write each change once. Returns how many changes it wrote.
 */
export async function sweepAccessRequests(
  db: Db,
  now: Date,
  notify: NotifySettings,
): Promise<number> {
  const meta = { requestId: `sweep-${randomUUID()}`, ip: null, userAgent: null };
  const due = await Promise.all([
    db.accessRequest.findMany({
      where: { state: "pending", decideBy: { lte: now } },
      select: { id: true, version: true },
      take: SWEEP_BATCH,
    }),
    db.accessRequest.findMany({
      where: { state: "approved", activatedAt: null, startsAt: { lte: now }, endsAt: { gt: now } },
      select: { id: true, version: true },
      take: SWEEP_BATCH,
    }),
    db.accessRequest.findMany({
      where: { state: "approved", endedAt: null, endsAt: { lte: now } },
      select: { id: true, version: true, endsAt: true },
      take: SWEEP_BATCH,
    }),
  ]);
  const [expiring, activating, ending] = due;
  let written = 0;
  const apply = async (
    row: { id: string; version: number },
    event: RequestEvent,
    where: Record<string, unknown>,
    data: Record<string, unknown>,
  ) => {
    const done = await db.$transaction(async (tx) => {
      const claimed = await tx.accessRequest.updateMany({
        where: { id: row.id, version: row.version, ...where },
        data: { version: { increment: 1 }, ...data },
      });
      if (claimed.count !== 1) return false;
      const after = await tx.accessRequest.findUniqueOrThrow({
        where: { id: row.id },
        include: requestInclude,
      });
      await recordRequestEvent(tx, {
        event,
        request: after,
        actor: SYSTEM_ACTOR,
        meta,
        now,
        notify,
      });
      return true;
    });
    if (done) written++;
  };
  for (const row of expiring)
    await apply(row, "expired", { state: "pending" }, { state: "expired" });
  for (const row of activating)
    await apply(row, "activated", { state: "approved", activatedAt: null }, { activatedAt: now });
  for (const row of ending)
    await apply(row, "ended", { state: "approved", endedAt: null }, { endedAt: row.endsAt ?? now });
  return written;
}

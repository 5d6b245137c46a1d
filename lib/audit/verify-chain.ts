import "server-only";
import type { Db } from "@/lib/db/client";
import { CHAIN_HEAD_ID } from "./chain-head";
import { AUDIT_HASHED_FIELDS, GENESIS_HASH, computeAuditHash } from "./canonical-event";

/**
 * What a broken link means:
 * - `edited`: the row's stored hash is not the hash of its contents — a field was changed;
 * - `deleted`: the sequence jumps — the events in between were removed;
 * - `relinked`: the row's prevHash is not the previous event's hash — a row was inserted,
 *   reordered (sequences swapped/renumbered) or its prevHash rewritten;
 * - `tail-deleted`: the head says the chain is longer than the rows found — the newest were removed;
 * - `beyond-head`: rows exist past the head — appended without the chain's writer;
 * - `head-mismatch`: the last row's hash is not the head's hash;
 * - `unchained`: an event without a sequence dated after the chain began — written around the chain;
 * - `legacy-changed`: the events from before the chain (not hashed) are not as many as the first
 *   recorded verification counted — one was slipped in back-dated, or one was removed.
 */
export type ChainBreakKind =
  | "edited"
  | "deleted"
  | "relinked"
  | "tail-deleted"
  | "beyond-head"
  | "head-mismatch"
  | "unchained"
  | "legacy-changed";

export interface ChainBreak {
  kind: ChainBreakKind;
  /** Where the chain breaks: the first sequence that is wrong or missing (null for `unchained`). */
  sequence: number | null;
  /** The offending row, when there is one. */
  eventId: string | null;
  message: string;
}

export interface ChainReport {
  intact: boolean;
  /** Chained events read and recomputed. */
  checked: number;
  /**
   * Events written before the chain existed (null sequence, older than its first event): not
   * hashed, but their count must stay what the first recorded verification counted.
   */
  legacyEvents: number;
  /** Events with no sequence dated after the chain began (each one a break). */
  unchainedEvents: number;
  /** Broken links found in the whole walk (the walk goes on after the first). */
  breaks: number;
  /** The first break: the walk's first, else the first unchained event, else the legacy count. */
  firstBreak: ChainBreak | null;
  /**
   * The breaks in the order found, the first MAX_LISTED_BREAKS of them (`breaks` counts them all;
   * of the unchained events only the first is listed), so each tampered row is named, not only
   * the first.
   */
  listedBreaks: ChainBreak[];
  /** The chain head as stored: record it elsewhere to detect a wholesale rewrite later. */
  head: { sequence: number; hash: string };
  durationMs: number;
}

/** How far a walk has come: `checked` events of about `total` (the head when the walk began). */
export interface ChainProgress {
  checked: number;
  total: number;
}

/** How many breaks a report names one by one; past that, a chain is to be restored, not read. */
export const MAX_LISTED_BREAKS = 100;

const HASHED_SELECT = Object.fromEntries(
  [...AUDIT_HASHED_FIELDS, "hash"].map((field) => [field, true]),
) as Record<(typeof AUDIT_HASHED_FIELDS)[number] | "hash", true>;

/**
 * Walks the chain in sequence order, a page at a time (memory stays constant at any size),
 * recomputing every hash and checking every link, then compares the end of the chain with its
 * head row. Safe while events are being written: the head is read after the last page, and a
 * writer updates head and row in one transaction.
 */
export async function verifyAuditChain(
  db: Db,
  opts: {
    pageSize?: number;
    clock?: () => number;
    /**
     * Called after every page, so a long walk can show how far it has come; the walk waits for
     * what it returns (a streaming caller yields there, so its output reaches the network).
     */
    onProgress?: (progress: ChainProgress) => void | Promise<void>;
  } = {},
): Promise<ChainReport> {
  const clock = opts.clock ?? (() => performance.now());
  const started = clock();
  const total = opts.onProgress ? (await readHead(db)).sequence : 0;
  const pageSize = opts.pageSize ?? 2000;
  let expected = 1;
  let prevHash = GENESIS_HASH;
  let last = 0;
  let checked = 0;
  let breaks = 0;
  let firstBreak: ChainBreak | null = null;
  const listedBreaks: ChainBreak[] = [];
  const broken = (b: ChainBreak) => {
    breaks += 1;
    firstBreak ??= b;
    if (listedBreaks.length < MAX_LISTED_BREAKS) listedBreaks.push(b);
  };

  let head: { sequence: number; hash: string };
  for (;;) {
    const page = await db.auditEvent.findMany({
      where: { sequence: { gt: last } },
      orderBy: { sequence: "asc" },
      take: pageSize,
      select: HASHED_SELECT,
    });
    if (page.length === 0) {
      head = await readHead(db);
      if (head.sequence > last) {
        // Either events committed since the last page, or the newest rows are gone.
        const more = await db.auditEvent.count({ where: { sequence: { gt: last } } });
        if (more > 0) continue;
        broken({
          kind: "tail-deleted",
          sequence: last + 1,
          eventId: null,
          message: `The chain head is at sequence ${head.sequence} but the last event found is ${last}: events ${range(last + 1, head.sequence)} were deleted.`,
        });
      } else if (head.sequence < last) {
        broken({
          kind: "beyond-head",
          sequence: head.sequence + 1,
          eventId: null,
          message: `Events ${range(head.sequence + 1, last)} lie beyond the chain head (sequence ${head.sequence}): they were written without the chain's writer.`,
        });
      } else if (head.hash !== prevHash) {
        broken({
          kind: "head-mismatch",
          sequence: last,
          eventId: null,
          message: `The last event (sequence ${last}) does not match the chain head's hash: the head or the newest events were rewritten.`,
        });
      }
      break;
    }
    for (const row of page) {
      const sequence = row.sequence!;
      const asWritten = row.hash === computeAuditHash(row.prevHash ?? "", row);
      const edited = () =>
        broken({
          kind: "edited",
          sequence,
          eventId: row.id,
          message: `Event ${sequence} was changed after it was written: its contents no longer match its hash.`,
        });
      if (sequence !== expected) {
        broken({
          kind: "deleted",
          sequence: expected,
          eventId: null,
          message: `Events ${range(expected, sequence - 1)} are missing: the chain jumps from ${expected - 1} to ${sequence}.`,
        });
        // Its link can't be checked (its predecessor is gone), its contents can: an edit next to
        // a deletion is a break of its own.
        if (!asWritten) edited();
      } else if (row.prevHash !== prevHash) {
        broken({
          kind: "relinked",
          sequence,
          eventId: row.id,
          // A row that still matches its own hash is as written: it names the hash its
          // predecessor had, so the predecessor is what changed.
          message: asWritten
            ? `Event ${sequence} does not link to event ${sequence - 1}: event ${sequence - 1} was replaced or rewritten with a recomputed hash (event ${sequence} is unchanged and names the hash it had), or an event was inserted there.`
            : `Event ${sequence} does not link to event ${sequence - 1}: an event was inserted or reordered here, or its prevHash was changed.`,
        });
      } else if (!asWritten) {
        edited();
      }
      // Go on from what is stored, so one edit is one break and not every event after it.
      prevHash = row.hash ?? "";
      expected = sequence + 1;
      last = sequence;
      checked += 1;
    }
    await opts.onProgress?.({ checked, total: Math.max(total, checked) });
  }

  const outside = await countOutsideChain(db);
  if (outside.firstUnchained) {
    broken({
      kind: "unchained",
      sequence: null,
      eventId: outside.firstUnchained.id,
      message: `${outside.unchained} event(s) without a place in the chain were written after it began (first: ${outside.firstUnchained.id} at ${outside.firstUnchained.createdAt.toISOString()}).`,
    });
    breaks += outside.unchained - 1;
  }
  const recorded = await firstRecordedLegacyCount(db);
  if (recorded && recorded.legacyEvents !== outside.legacy) {
    broken({
      kind: "legacy-changed",
      sequence: null,
      eventId: null,
      message: `${outside.legacy} event(s) predate the chain, but the first verification (event ${recorded.sequence}) counted ${recorded.legacyEvents}: events without a sequence were ${outside.legacy > recorded.legacyEvents ? "inserted, dated before the chain began" : "deleted"}.`,
    });
  }
  return {
    intact: breaks === 0,
    checked,
    legacyEvents: outside.legacy,
    unchainedEvents: outside.unchained,
    breaks,
    firstBreak,
    listedBreaks,
    head,
    durationMs: Math.round(clock() - started),
  };
}

async function readHead(db: Db): Promise<{ sequence: number; hash: string }> {
  const head = await db.auditChainHead.findUnique({
    where: { id: CHAIN_HEAD_ID },
    select: { sequence: true, hash: true },
  });
  // The migration inserts the head; without it nothing can be verified (or written).
  if (!head) throw new Error("the audit chain head row is missing");
  return head;
}

/**
 * Events with no sequence: those older than the chain's first event predate it (legacy); any
 * newer one, or one with a sequence below 1, was slipped in around the chain.
 */
async function countOutsideChain(db: Db): Promise<{
  legacy: number;
  unchained: number;
  firstUnchained: { id: string; createdAt: Date } | null;
}> {
  const first = await db.auditEvent.findFirst({
    where: { sequence: { not: null } },
    orderBy: { sequence: "asc" },
    select: { createdAt: true },
  });
  if (!first) {
    return {
      legacy: await db.auditEvent.count({ where: { sequence: null } }),
      unchained: 0,
      firstUnchained: null,
    };
  }
  // A sequence below 1 is outside the chain too (the walk starts at 1).
  const outside = {
    OR: [{ sequence: null, createdAt: { gte: first.createdAt } }, { sequence: { lt: 1 } }],
  };
  const [legacy, unchained, firstUnchained] = await Promise.all([
    db.auditEvent.count({ where: { sequence: null, createdAt: { lt: first.createdAt } } }),
    db.auditEvent.count({ where: outside }),
    db.auditEvent.findFirst({
      where: outside,
      orderBy: [{ createdAt: "asc" }, { id: "asc" }],
      select: { id: true, createdAt: true },
    }),
  ]);
  return { legacy, unchained, firstUnchained };
}

/**
 * The count of events from before the chain as the first recorded verification saw it (its
 * audit.verified event is itself chained, so it can't be changed unseen), or null before any.
 * Those events are not hashed, and nothing legitimate adds or removes one once the chain has
 * begun (the writer always chains, the table is append-only): any change since is tampering.
 */
async function firstRecordedLegacyCount(
  db: Db,
): Promise<{ sequence: number; legacyEvents: number } | null> {
  const first = await db.auditEvent.findFirst({
    where: { action: "audit.verified", sequence: { not: null } },
    orderBy: { sequence: "asc" },
    select: { sequence: true, detailsJson: true },
  });
  const legacyEvents = first ? legacyCountIn(first.detailsJson) : null;
  return first && legacyEvents !== null ? { sequence: first.sequence!, legacyEvents } : null;
}

function legacyCountIn(detailsJson: string): number | null {
  try {
    const value = (JSON.parse(detailsJson) as { legacyEvents?: unknown }).legacyEvents;
    return typeof value === "number" && Number.isSafeInteger(value) ? value : null;
  } catch {
    return null;
  }
}

function range(from: number, to: number): string {
  return from === to ? String(from) : `${from}–${to}`;
}

// `npm run audit:verify`: checks the audit log's hash chain in the database DATABASE_URL names
// (SQLite by default) and prints the result. Exit 0: intact. Exit 1: broken (each break, up to 100,
// and the counts are printed) or an --expect checkpoint is not in the chain. Exit 2: could not check.
//
//   npm run audit:verify [-- --json] [-- --expect <sequence>:<hash>]
//
// --expect names a head printed by an earlier run (kept outside the database): a chain rewritten
// wholesale by someone with database access recomputes cleanly, but no longer contains it.
// --json prints the report as one JSON object on stdout, intact or broken (the exit code says
// which), so a pipeline reading it gets the first break too; the text report of a broken chain
// goes to stderr. The run is itself recorded (audit.verified, via "cli"). Prints hashes and counts, never data.
import { randomUUID } from "node:crypto";
import os from "node:os";
import { parseArgs } from "node:util";
import { recordVerification } from "../lib/audit/record-audit-access";
import { verifyAuditChain, type ChainBreak, type ChainReport } from "../lib/audit/verify-chain";
import { createDb } from "../lib/db/client";
import { DEFAULT_DATABASE_URL } from "./database-url";

interface Checkpoint {
  sequence: number;
  hash: string;
}

const MAX_SEQUENCE = 2_147_483_647;

function parseCheckpoint(value: string | undefined): Checkpoint | null {
  if (value === undefined) return null;
  const m = /^(\d{1,15}):([0-9a-f]{64})$/.exec(value);
  if (!m) throw new Error("--expect must be <sequence>:<64 hex characters>, as printed by a run");
  const sequence = Number(m[1]);
  // The column is a 32-bit integer on both databases: a larger number was never printed by a run,
  // and PostgreSQL would refuse the lookup with a driver error instead of this message.
  if (sequence > MAX_SEQUENCE)
    throw new Error(`--expect: the sequence must be at most ${MAX_SEQUENCE}, as printed by a run`);
  return { sequence, hash: m[2]! };
}

/** A driver's message may quote the connection string: never print its password. */
function redactUrl(message: string): string {
  return message.replace(/\/\/[^/@\s]*@/g, "//***@");
}

function describe(report: ChainReport): string {
  const lines = [
    report.intact ? "audit chain: INTACT" : `audit chain: BROKEN (${report.breaks} problem(s))`,
  ];
  const [first, ...more] = report.listedBreaks;
  if (first) lines.push(`first break: ${describeBreak(first)}`, `  ${first.message}`);
  for (const b of more) lines.push(`then: ${describeBreak(b)}`, `  ${b.message}`);
  if (report.breaks > report.listedBreaks.length)
    lines.push(`and ${report.breaks - report.listedBreaks.length} more problem(s) not listed`);
  lines.push(
    `checked: ${report.checked} chained events in ${report.durationMs} ms`,
    `legacy events (before the chain, not hashed; their count is checked): ${report.legacyEvents}`,
    `events outside the chain after it began: ${report.unchainedEvents}`,
    `head: ${report.head.sequence}:${report.head.hash}`,
  );
  return lines.join("\n");
}

function describeBreak(b: ChainBreak): string {
  return `${b.kind} at sequence ${b.sequence ?? "-"}${b.eventId ? ` (event ${b.eventId})` : ""}`;
}

async function main(): Promise<number> {
  const { values } = parseArgs({
    options: { json: { type: "boolean", default: false }, expect: { type: "string" } },
    strict: true,
  });
  const checkpoint = parseCheckpoint(values.expect);
  const db = createDb(process.env.DATABASE_URL || DEFAULT_DATABASE_URL);
  try {
    const report = await verifyAuditChain(db);
    let checkpointOk: boolean | null = null;
    if (checkpoint) {
      const event = await db.auditEvent.findUnique({
        where: { sequence: checkpoint.sequence },
        select: { hash: true },
      });
      checkpointOk = event?.hash === checkpoint.hash;
    }
    const intact = report.intact && checkpointOk !== false;
    const out = values.json
      ? JSON.stringify({
          ...report,
          checkpoint: checkpoint && { ...checkpoint, found: checkpointOk },
        })
      : describe(report) +
        (checkpoint
          ? `\ncheckpoint ${checkpoint.sequence}:${checkpoint.hash.slice(0, 12)}…: ${checkpointOk ? "present" : "NOT in the chain (rewritten or truncated)"}`
          : "");
    (intact || values.json ? process.stdout : process.stderr).write(`${out}\n`);
    try {
      const user = os.userInfo().username;
      await recordVerification(
        db,
        {
          userId: null,
          issuer: "cli",
          subject: `${user}@${os.hostname()}`,
          email: null,
          groups: null,
        },
        { requestId: randomUUID(), ip: null, userAgent: "gatehouse audit-verify" },
        "cli",
        report,
      );
    } catch {
      process.stderr.write("warning: the verification could not be recorded in the audit log\n");
    }
    return intact ? 0 : 1;
  } finally {
    await db.$disconnect();
  }
}

main().then(
  (code) => process.exit(code),
  (error: unknown) => {
    process.stderr.write(
      `audit verification could not run: ${redactUrl(error instanceof Error ? error.message : String(error))}\n`,
    );
    process.exit(2);
  },
);

// The audit log's hash chain on the real database (SQLite, or PostgreSQL with
// GATEHOUSE_TEST_DATABASE=postgresql): concurrent writers get an unbroken chain; an attacker with
// database access who edits any column, deletes, reorders or forges rows is caught at the right
// sequence — by the library, by the portal's "Verify integrity" endpoint and by the CLI. The
// append-only triggers are switched off first, as such an attacker would.
import { execFile } from "node:child_process";
import { promisify } from "node:util";
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import {
  AUDIT_HASHED_FIELDS,
  computeAuditHash,
  type ChainedAuditRow,
} from "@/lib/audit/canonical-event";
import { recordVerification } from "@/lib/audit/record-audit-access";
import { verifyAuditChain, type ChainBreakKind } from "@/lib/audit/verify-chain";
import { writeAuditEvent, type AuditEventInput } from "@/lib/audit/write-audit-event";
import { expectApiError, parseDetails } from "../support/portal-assertions";
import { asAttacker } from "../support/audit-tamper";
import { signIn, type PortalSession } from "../support/portal-client";
import { startTestStack, type TestStack } from "../support/stack";
import { ROOT } from "@/dev/local-stack";
import { operatorCommand } from "@/tests/support/operator-command";

type Row = ChainedAuditRow & { hash: string | null };

let stack: TestStack;
let alice: PortalSession;
let bob: PortalSession;

beforeAll(async () => {
  stack = await startTestStack();
  alice = await signIn(stack, "alice");
  bob = await signIn(stack, "bob");
  for (let i = 0; i < 8; i += 1) await writeAuditEvent(stack.db, event(i));
});
afterAll(async () => {
  await stack?.stop();
});

function event(i: number, extra: Partial<AuditEventInput> = {}): AuditEventInput {
  return {
    action: i % 2 ? "console.issued" : "credentials.issued",
    outcome: "success",
    actor: {
      userId: null,
      issuer: "https://idp.test",
      subject: `subject-${i}`,
      email: `user${i}@corp.example`,
      groups: ["developers"],
    },
    meta: {
      requestId: `chain-test-${String(i).padStart(4, "0")}`,
      ip: "192.0.2.1",
      userAgent: "t",
    },
    target: { awsAccountId: "123456789012", roleArn: "arn:aws:iam::123456789012:role/Dev" },
    details: { i },
    ...extra,
  };
}

async function rowsBySequence(): Promise<Row[]> {
  return stack.db.auditEvent.findMany({
    where: { sequence: { not: null } },
    orderBy: { sequence: "asc" },
  });
}

async function head() {
  return stack.db.auditChainHead.findUniqueOrThrow({ where: { id: 1 } });
}

/**
 * Runs `tamper`, expects verification to report `kind` first at `sequence`, then undoes the
 * tampering and expects the chain to verify again (so each case starts from an intact chain).
 */
async function expectDetected(
  tamper: () => Promise<unknown>,
  undo: () => Promise<unknown>,
  expected: { kind: ChainBreakKind; sequence: number | null; message?: unknown },
): Promise<void> {
  await asAttacker(stack, tamper);
  try {
    const report = await verifyAuditChain(stack.db, { pageSize: 3 });
    expect(report.intact).toBe(false);
    expect(report.firstBreak).toMatchObject(expected);
  } finally {
    await asAttacker(stack, undo);
  }
  expect((await verifyAuditChain(stack.db)).intact).toBe(true);
}

/** A value of the column's kind that differs from the stored one. */
function otherValue(field: keyof Row, value: unknown): unknown {
  if (field === "id") return "ctampered0000000000000000";
  if (field === "sequence") return 900_000_000;
  if (field === "prevHash" || field === "hash") return "f".repeat(64);
  if (field === "createdAt") return new Date((value as Date).getTime() + 1);
  if (field === "durationSeconds") return typeof value === "number" ? value + 1 : 43_200;
  if (field === "detailsJson") return '{"i":"tampered"}';
  return typeof value === "string" ? `${value}-tampered` : "tampered";
}

const KIND_WHEN_CHANGED: Partial<Record<keyof Row, ChainBreakKind>> = {
  sequence: "deleted", // the row leaves its place: the chain has a hole there
  prevHash: "relinked",
};

describe("writing the chain", () => {
  it("an untouched chain verifies, counting every event", async () => {
    const rows = await rowsBySequence();
    const report = await verifyAuditChain(stack.db, { pageSize: 3 });
    expect(report).toMatchObject({
      intact: true,
      breaks: 0,
      firstBreak: null,
      checked: rows.length,
    });
    expect(report.head.sequence).toBe(rows.length);
    expect(rows.map((r) => r.sequence)).toEqual(rows.map((_, i) => i + 1));
  });

  it("a walk reports its progress after every page, rising to the events checked", async () => {
    const seen: Array<{ checked: number; total: number }> = [];
    const report = await verifyAuditChain(stack.db, {
      pageSize: 3,
      onProgress: (p) => {
        seen.push(p);
      },
    });
    expect(seen.length).toBe(Math.ceil(report.checked / 3));
    expect(seen.map((p) => p.checked)).toEqual(
      seen.map((_, i) => Math.min((i + 1) * 3, report.checked)),
    );
    for (const p of seen) expect(p.total).toBeGreaterThanOrEqual(p.checked);
    expect(seen.at(-1)).toEqual({ checked: report.checked, total: report.head.sequence });
  });

  it(`50 concurrent writers get 50 consecutive sequences and an unbroken chain (${process.env.GATEHOUSE_TEST_DATABASE ?? "sqlite"})`, async () => {
    const before = (await head()).sequence;
    await Promise.all(
      Array.from({ length: 50 }, (_, i) =>
        writeAuditEvent(
          stack.db,
          event(1000 + i, { meta: { requestId: `concurrent-${i}`, ip: null, userAgent: null } }),
        ),
      ),
    );
    const rows = await stack.db.auditEvent.findMany({
      where: { requestId: { startsWith: "concurrent-" } },
      orderBy: { sequence: "asc" },
    });
    expect(rows.map((r) => r.sequence)).toEqual(
      Array.from({ length: 50 }, (_, i) => before + 1 + i),
    );
    expect((await head()).sequence).toBe(before + 50);
    expect(await verifyAuditChain(stack.db)).toMatchObject({ intact: true, breaks: 0 });
  });

  it("inside a caller's transaction the event commits with the change, and rolls back with it", async () => {
    const before = await head();
    await expect(
      stack.db.$transaction(async (tx) => {
        await writeAuditEvent(
          tx,
          event(2000, { meta: { requestId: "rolled-back-0001", ip: null, userAgent: null } }),
        );
        throw new Error("the caller's change failed");
      }),
    ).rejects.toThrow("the caller's change failed");
    expect(await stack.db.auditEvent.count({ where: { requestId: "rolled-back-0001" } })).toBe(0);
    expect(await head()).toMatchObject({ sequence: before.sequence, hash: before.hash });

    await stack.db.$transaction(async (tx) => {
      await writeAuditEvent(
        tx,
        event(2001, { meta: { requestId: "committed-0001", ip: null, userAgent: null } }),
      );
    });
    const row = await stack.db.auditEvent.findFirstOrThrow({
      where: { requestId: "committed-0001" },
    });
    expect(row.sequence).toBe(before.sequence + 1);
    expect(row.prevHash).toBe(before.hash);
    expect((await head()).hash).toBe(row.hash);
  });
});

describe("tampering is detected at the right sequence", () => {
  for (const field of [...AUDIT_HASHED_FIELDS, "hash"] as const) {
    const kind = KIND_WHEN_CHANGED[field] ?? "edited";
    it(`changing ${field} of a middle event → ${kind}`, async () => {
      const rows = await rowsBySequence();
      const target = rows[Math.floor(rows.length / 2)]!;
      const changed = otherValue(field, target[field]);
      const idAfter = field === "id" ? (changed as string) : target.id;
      await expectDetected(
        () => stack.db.auditEvent.update({ where: { id: target.id }, data: { [field]: changed } }),
        () =>
          stack.db.auditEvent.update({
            where: { id: idAfter },
            data: { ...target },
          }),
        { kind, sequence: target.sequence },
      );
    });
  }

  it("deleting a middle event → deleted, at its sequence", async () => {
    const rows = await rowsBySequence();
    const target = rows[Math.floor(rows.length / 2)]!;
    await expectDetected(
      () => stack.db.auditEvent.delete({ where: { id: target.id } }),
      () => stack.db.auditEvent.create({ data: target }),
      { kind: "deleted", sequence: target.sequence },
    );
  });

  it("deleting the newest two events → tail-deleted, at the first one removed", async () => {
    const rows = await rowsBySequence();
    const tail = rows.slice(-2);
    await expectDetected(
      () => stack.db.auditEvent.deleteMany({ where: { id: { in: tail.map((r) => r.id) } } }),
      () => stack.db.auditEvent.createMany({ data: tail }),
      { kind: "tail-deleted", sequence: tail[0]!.sequence },
    );
  });

  it("swapping two events' sequences → relinked, at the lower one", async () => {
    const rows = await rowsBySequence();
    const a = rows[3]!;
    const b = rows[4]!;
    const swap = async () => {
      await stack.db.auditEvent.update({ where: { id: a.id }, data: { sequence: -1 } });
      await stack.db.auditEvent.update({ where: { id: b.id }, data: { sequence: a.sequence } });
      await stack.db.auditEvent.update({ where: { id: a.id }, data: { sequence: b.sequence } });
    };
    const unswap = async () => {
      await stack.db.auditEvent.update({ where: { id: a.id }, data: { sequence: -1 } });
      await stack.db.auditEvent.update({ where: { id: b.id }, data: { sequence: b.sequence } });
      await stack.db.auditEvent.update({ where: { id: a.id }, data: { sequence: a.sequence } });
    };
    await expectDetected(swap, unswap, { kind: "relinked", sequence: a.sequence });
  });

  it("deleting an event and changing the one after it → both found and named: deleted, then edited", async () => {
    const rows = await rowsBySequence();
    const gone = rows[3]!;
    const next = rows[4]!;
    await asAttacker(stack, async () => {
      await stack.db.auditEvent.delete({ where: { id: gone.id } });
      await stack.db.auditEvent.update({ where: { id: next.id }, data: { outcome: "denied" } });
    });
    try {
      const report = await verifyAuditChain(stack.db, { pageSize: 3 });
      expect(report.breaks).toBe(2);
      expect(report.listedBreaks).toMatchObject([
        { kind: "deleted", sequence: gone.sequence, eventId: null },
        { kind: "edited", sequence: next.sequence, eventId: next.id },
      ]);
    } finally {
      await asAttacker(stack, async () => {
        await stack.db.auditEvent.create({ data: gone });
        await stack.db.auditEvent.update({
          where: { id: next.id },
          data: { outcome: next.outcome },
        });
      });
    }
    expect((await verifyAuditChain(stack.db)).intact).toBe(true);
  });

  it("an event rewritten with its own hash recomputed → relinked at the next event, naming the rewritten one", async () => {
    const rows = await rowsBySequence();
    const target = rows[4]!;
    const next = rows[5]!;
    const hash = computeAuditHash(target.prevHash!, { ...target, outcome: "denied" });
    await expectDetected(
      () =>
        stack.db.auditEvent.update({
          where: { id: target.id },
          data: { outcome: "denied", hash },
        }),
      () =>
        stack.db.auditEvent.update({
          where: { id: target.id },
          data: { outcome: target.outcome, hash: target.hash },
        }),
      {
        kind: "relinked",
        sequence: next.sequence,
        message: expect.stringContaining(
          `event ${target.sequence} was replaced or rewritten with a recomputed hash`,
        ),
      },
    );
  });

  it("a forged event appended with a correct hash, head left alone → beyond-head", async () => {
    const h = await head();
    const forged = forgedRow(h.sequence + 1, h.hash);
    await expectDetected(
      () => stack.db.auditEvent.create({ data: forged }),
      () => stack.db.auditEvent.delete({ where: { id: forged.id } }),
      { kind: "beyond-head", sequence: h.sequence + 1 },
    );
  });

  it("a forged event inserted mid-chain (later events renumbered, head moved) → relinked after it", async () => {
    const rows = await rowsBySequence();
    const at = rows[Math.floor(rows.length / 2)]!;
    const later = rows.filter((r) => r.sequence! >= at.sequence!).reverse();
    const previous = rows.find((r) => r.sequence === at.sequence! - 1)!;
    const forged = forgedRow(at.sequence!, previous.hash!);
    const h = await head();
    await expectDetected(
      async () => {
        for (const r of later)
          await stack.db.auditEvent.update({
            where: { id: r.id },
            data: { sequence: r.sequence! + 1 },
          });
        await stack.db.auditEvent.create({ data: forged });
        await stack.db.auditChainHead.update({
          where: { id: 1 },
          data: { sequence: h.sequence + 1 },
        });
      },
      async () => {
        await stack.db.auditEvent.delete({ where: { id: forged.id } });
        for (const r of [...later].reverse())
          await stack.db.auditEvent.update({ where: { id: r.id }, data: { sequence: r.sequence } });
        await stack.db.auditChainHead.update({ where: { id: 1 }, data: { sequence: h.sequence } });
      },
      { kind: "relinked", sequence: at.sequence! + 1 },
    );
  });

  it("a forged event written around the chain (no sequence) → unchained, naming the row", async () => {
    const forged = { ...forgedRow(1, "0".repeat(64)), sequence: null, prevHash: null, hash: null };
    await asAttacker(stack, () => stack.db.auditEvent.create({ data: forged }));
    const report = await verifyAuditChain(stack.db);
    await asAttacker(stack, () => stack.db.auditEvent.delete({ where: { id: forged.id } }));
    expect(report).toMatchObject({
      intact: false,
      unchainedEvents: 1,
      firstBreak: { kind: "unchained", sequence: null, eventId: forged.id },
    });
  });

  it("a forged event slipped in without a sequence, dated before the chain began → legacy-changed, once a verification has counted the events before the chain", async () => {
    // The first recorded verification is the reference (its audit.verified event is chained).
    await recordVerification(
      stack.db,
      event(0).actor,
      event(0).meta,
      "cli",
      await verifyAuditChain(stack.db),
    );
    const first = await stack.db.auditEvent.findFirstOrThrow({
      where: { sequence: { not: null } },
      orderBy: { sequence: "asc" },
    });
    const forged = {
      ...forgedRow(1, "0".repeat(64)),
      id: "cforgedbackdated000000000",
      createdAt: new Date(first.createdAt.getTime() - 86_400_000),
      sequence: null,
      prevHash: null,
      hash: null,
    };
    await expectDetected(
      () => stack.db.auditEvent.create({ data: forged }),
      () => stack.db.auditEvent.delete({ where: { id: forged.id } }),
      { kind: "legacy-changed", sequence: null },
    );
  });

  it("many breaks: the report names the first 100 in walk order, and counts them all", async () => {
    expect(await verifyAuditChain(stack.db)).toMatchObject({ intact: true, listedBreaks: [] });
    for (let i = 0; i < 101; i += 1)
      await writeAuditEvent(
        stack.db,
        event(i, { meta: { requestId: `many-${i}`, ip: null, userAgent: null } }),
      );
    const edited = await stack.db.auditEvent.findMany({
      where: { requestId: { startsWith: "many-" } },
      orderBy: { sequence: "asc" },
    });
    const each = (outcome: string) =>
      stack.db.auditEvent.updateMany({
        where: { requestId: { startsWith: "many-" } },
        data: { outcome },
      });
    await asAttacker(stack, () => each("denied"));
    try {
      const report = await verifyAuditChain(stack.db, { pageSize: 7 });
      expect(report.breaks).toBe(101);
      expect(report.listedBreaks).toHaveLength(100);
      expect(report.listedBreaks[0]).toEqual(report.firstBreak);
      expect(report.listedBreaks.map((b) => [b.kind, b.eventId])).toEqual(
        edited.slice(0, 100).map((r) => ["edited", r.id]),
      );
    } finally {
      await asAttacker(stack, () => each("success"));
    }
    expect((await verifyAuditChain(stack.db)).intact).toBe(true);
  });
});

function forgedRow(sequence: number, prevHash: string): Row {
  const row: ChainedAuditRow = {
    id: `cforged${sequence.toString().padStart(18, "0")}`,
    sequence,
    prevHash,
    createdAt: new Date(),
    requestId: "forged-request-0001",
    action: "credentials.issued",
    outcome: "success",
    actorUserId: null,
    actorIssuer: null,
    actorSubject: "mallory",
    actorEmail: null,
    actorGroupsJson: null,
    awsAccountId: "123456789012",
    roleArn: "arn:aws:iam::123456789012:role/Admin",
    roleSessionName: null,
    sourceIdentity: null,
    durationSeconds: 3600,
    accessKeyId: null,
    ip: null,
    userAgent: null,
    detailsJson: "{}",
  };
  return { ...row, hash: computeAuditHash(prevHash, row) };
}

describe("Verify integrity (POST /api/admin/audit/verify)", () => {
  // The tests above talk only to the database: a kept-alive socket may have idled out meanwhile.
  // A GET first (retried once) gives the POSTs below a live connection.
  beforeEach(async () => {
    const health = () => alice.request("/api/health");
    await health().catch(health);
  });

  it("an admin gets the report, and the check is itself audited with its result", async () => {
    const res = await alice.request("/api/admin/audit/verify", { method: "POST" });
    expect(res.status).toBe(200);
    expect(res.headers.get("cache-control")).toContain("no-store");
    const report = (await res.json()) as {
      intact: boolean;
      checked: number;
      head: { sequence: number };
    };
    expect(report.intact).toBe(true);
    const row = await stack.db.auditEvent.findFirstOrThrow({
      where: { requestId: res.headers.get("x-request-id")! },
    });
    expect(row).toMatchObject({
      action: "audit.verified",
      outcome: "success",
      actorEmail: "alice@corp.example",
    });
    expect(parseDetails(row.detailsJson)).toMatchObject({
      via: "portal",
      intact: true,
      checked: report.checked,
      headSequence: report.head.sequence,
    });
  });

  it("with Accept: application/x-ndjson it streams progress lines, then the same report, audited once", async () => {
    const res = await alice.request("/api/admin/audit/verify", {
      method: "POST",
      headers: { Accept: "application/x-ndjson" },
    });
    expect(res.status).toBe(200);
    expect(res.headers.get("content-type")).toContain("application/x-ndjson");
    expect(res.headers.get("cache-control")).toContain("no-store");
    const lines = (await res.text())
      .split("\n")
      .filter(Boolean)
      .map(
        (line) =>
          JSON.parse(line) as {
            progress?: { checked: number; total: number };
            report?: { intact: boolean; checked: number; head: { sequence: number } };
          },
      );
    const report = lines.at(-1)?.report;
    expect(report).toMatchObject({ intact: true });
    const progress = lines.slice(0, -1).map((l) => l.progress!);
    expect(progress.length).toBeGreaterThanOrEqual(1);
    expect(progress[0]!.checked).toBeGreaterThan(0);
    for (const p of progress) expect(p.checked).toBeLessThanOrEqual(report!.checked);
    const rows = await stack.db.auditEvent.findMany({
      where: { requestId: res.headers.get("x-request-id")! },
    });
    expect(rows.map((r) => r.action)).toEqual(["audit.verified"]);
    expect(parseDetails(rows[0]!.detailsJson)).toMatchObject({
      intact: true,
      checked: report!.checked,
    });
  });

  it("a broken chain is reported with the first break, and audited as an error", async () => {
    const rows = await rowsBySequence();
    const target = rows[2]!;
    await asAttacker(stack, () =>
      stack.db.auditEvent.update({ where: { id: target.id }, data: { outcome: "denied" } }),
    );
    try {
      const res = await alice.request("/api/admin/audit/verify", { method: "POST" });
      const report = (await res.json()) as { intact: boolean; firstBreak: unknown };
      expect(report.intact).toBe(false);
      expect(report.firstBreak).toMatchObject({
        kind: "edited",
        sequence: target.sequence,
        eventId: target.id,
      });
      const row = await stack.db.auditEvent.findFirstOrThrow({
        where: { requestId: res.headers.get("x-request-id")! },
      });
      expect(row.outcome).toBe("error");
      expect(parseDetails(row.detailsJson)).toMatchObject({
        firstBreakKind: "edited",
        firstBreakSequence: target.sequence,
      });
    } finally {
      await asAttacker(stack, () =>
        stack.db.auditEvent.update({ where: { id: target.id }, data: { outcome: target.outcome } }),
      );
    }
  });

  const refused: Array<[string, () => Promise<Response>, number, string]> = [
    [
      "bob (no auditor group configured) → 403",
      () => bob.request("/api/admin/audit/verify", { method: "POST" }),
      403,
      "forbidden",
    ],
    [
      "no session → 401",
      () =>
        fetch(`${stack.portalUrl}/api/admin/audit/verify`, {
          method: "POST",
          headers: { Origin: stack.portalUrl },
        }),
      401,
      "unauthenticated",
    ],
    [
      "an admin's cookie from another site → 403 csrf_rejected",
      () =>
        alice.request("/api/admin/audit/verify", {
          method: "POST",
          headers: { Origin: "https://evil.example" },
        }),
      403,
      "csrf_rejected",
    ],
    ["GET → 405", () => alice.request("/api/admin/audit/verify"), 405, "method_not_allowed"],
  ];
  for (const [rule, send, status, code] of refused) {
    it(rule, async () => {
      const before = await stack.db.auditEvent.count({ where: { action: "audit.verified" } });
      await expectApiError(await send(), status, code);
      expect(await stack.db.auditEvent.count({ where: { action: "audit.verified" } })).toBe(before);
    });
  }
});

describe("the audit-verify CLI", () => {
  const run = async (args: string[] = []) => {
    try {
      const verify = operatorCommand("audit:verify", args);
      const { stdout, stderr } = await promisify(execFile)(verify.command, verify.args, {
        cwd: ROOT,
        env: { ...process.env, DATABASE_URL: stack.databaseUrl },
        timeout: 60_000,
      });
      return { code: 0, stdout, stderr };
    } catch (error) {
      const e = error as { code?: number; stdout?: string; stderr?: string };
      return { code: e.code ?? -1, stdout: e.stdout ?? "", stderr: e.stderr ?? "" };
    }
  };

  it("exit 0 and INTACT on an untouched chain, with the head to keep; the run is audited", async () => {
    const { code, stdout } = await run();
    expect(code).toBe(0);
    expect(stdout).toContain("audit chain: INTACT");
    const h = await head();
    // The head printed is the one before the CLI recorded its own audit.verified event.
    expect(stdout).toContain(`head: ${h.sequence - 1}:`);
    const last = await stack.db.auditEvent.findFirstOrThrow({ where: { sequence: h.sequence } });
    expect(last.action).toBe("audit.verified");
    expect(parseDetails(last.detailsJson)).toMatchObject({ via: "cli", intact: true });
    const printed = /head: (\d+:[0-9a-f]{64})/.exec(stdout)![1]!;
    expect((await run(["--expect", printed])).code).toBe(0);
  });

  it("exit 1 with the first break on stderr when an event was deleted", async () => {
    const rows = await rowsBySequence();
    const target = rows[4]!;
    await asAttacker(stack, () => stack.db.auditEvent.delete({ where: { id: target.id } }));
    try {
      const { code, stderr } = await run();
      expect(code).toBe(1);
      expect(stderr).toContain("audit chain: BROKEN");
      expect(stderr).toContain(`first break: deleted at sequence ${target.sequence}`);
    } finally {
      await asAttacker(stack, () => stack.db.auditEvent.create({ data: target }));
    }
  });

  it("exit 1 naming each break, not only the first: a deleted event and an edited one", async () => {
    const rows = await rowsBySequence();
    const gone = rows[4]!;
    const edited = rows[6]!;
    await asAttacker(stack, async () => {
      await stack.db.auditEvent.delete({ where: { id: gone.id } });
      await stack.db.auditEvent.update({ where: { id: edited.id }, data: { outcome: "denied" } });
    });
    try {
      const { code, stderr } = await run();
      expect(code).toBe(1);
      expect(stderr).toContain("audit chain: BROKEN (2 problem(s))");
      expect(stderr).toContain(`first break: deleted at sequence ${gone.sequence}`);
      expect(stderr).toContain(`then: edited at sequence ${edited.sequence} (event ${edited.id})`);
    } finally {
      await asAttacker(stack, async () => {
        await stack.db.auditEvent.create({ data: gone });
        await stack.db.auditEvent.update({
          where: { id: edited.id },
          data: { outcome: edited.outcome },
        });
      });
    }
  });

  it("--json: the report is on stdout for a broken chain too (exit 1), with the first break", async () => {
    const rows = await rowsBySequence();
    const target = rows[4]!;
    await asAttacker(stack, () => stack.db.auditEvent.delete({ where: { id: target.id } }));
    try {
      const { code, stdout } = await run(["--json"]);
      expect(code).toBe(1);
      expect(JSON.parse(stdout)).toMatchObject({
        intact: false,
        firstBreak: { kind: "deleted", sequence: target.sequence },
      });
    } finally {
      await asAttacker(stack, () => stack.db.auditEvent.create({ data: target }));
    }
  });

  const MALFORMED_EXPECT: Array<[string, string, string]> = [
    ["a hash that is not hex", "12:nothex", "--expect must be"],
    ["a sequence beyond the 32-bit column", `2147483648:${"a".repeat(64)}`, "at most 2147483647"],
  ];
  for (const [rule, value, message] of MALFORMED_EXPECT) {
    it(`exit 2 for a malformed --expect (${rule}), naming the option, without touching the database`, async () => {
      const before = (await head()).sequence;
      const { code, stderr } = await run(["--expect", value]);
      expect(code).toBe(2);
      expect(stderr).toContain(message);
      expect(stderr).not.toContain("prisma");
      expect((await head()).sequence).toBe(before);
    });
  }

  it("a chain rewritten wholesale verifies clean, but no longer holds a head kept from before (--expect → exit 1)", async () => {
    const kept = await head();
    const rows = await rowsBySequence();
    const from = rows[rows.length - 3]!;
    const originals = rows.filter((r) => r.sequence! >= from.sequence!);
    // The attacker edits one event and recomputes every hash after it, and the head.
    await asAttacker(stack, async () => {
      let prev = rows.find((r) => r.sequence === from.sequence! - 1)!.hash!;
      for (const r of originals) {
        const edited: ChainedAuditRow = {
          ...r,
          prevHash: prev,
          outcome: r.id === from.id ? "denied" : r.outcome,
        };
        const hash = computeAuditHash(prev, edited);
        await stack.db.auditEvent.update({
          where: { id: r.id },
          data: { prevHash: prev, outcome: edited.outcome, hash },
        });
        prev = hash;
      }
      await stack.db.auditChainHead.update({ where: { id: 1 }, data: { hash: prev } });
    });
    // Left rewritten: the last test of the file. Events written now link to the forged chain.
    expect((await verifyAuditChain(stack.db)).intact).toBe(true);
    const { code, stderr } = await run(["--expect", `${kept.sequence}:${kept.hash}`]);
    expect(code).toBe(1);
    expect(stderr).toContain("NOT in the chain");
  });
});

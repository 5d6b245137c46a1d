// The audit chain's canonical form (lib/audit/canonical-event.ts): one text per event whatever
// order its properties come in, every stored column but `hash` in it, and a known-answer vector
// so the format can't drift without this test saying so.
import { createHash } from "node:crypto";
import { Prisma } from "@gatehouse/db-sqlite";
import { describe, expect, it } from "vitest";
import {
  AUDIT_HASHED_FIELDS,
  GENESIS_HASH,
  canonicalAuditJson,
  computeAuditHash,
  type ChainedAuditRow,
} from "@/lib/audit/canonical-event";
import { EXPORT_COLUMNS } from "@/lib/audit/export-audit-events";

const row: ChainedAuditRow = {
  id: "cmwxp9ewn4rjcyf2xkepbp610",
  sequence: 7,
  prevHash: "a".repeat(64),
  createdAt: new Date("2026-11-26T12:00:00.123Z"),
  requestId: "0b6f7d7e-3c1a-4c4e-9a57-3c1c2f7b9a10",
  action: "credentials.issued",
  outcome: "success",
  actorUserId: "cuser0000000000000000001",
  actorIssuer: "https://idp.example.com",
  actorSubject: "alice",
  actorEmail: "alice@example.com",
  actorGroupsJson: '["developers","gatehouse-admins"]',
  awsAccountId: "123456789012",
  roleArn: "arn:aws:iam::123456789012:role/Developer",
  roleSessionName: "alice@example.com",
  sourceIdentity: "cuser0000000000000000001",
  durationSeconds: 3600,
  accessKeyId: "ASIAEXAMPLE123456789",
  ip: "127.0.0.1",
  userAgent: 'curl/8.5 "quoted" \u2028 ünïcödé',
  detailsJson: '{"region":"eu-west-1","b":1,"a":2}',
};

/** A value of the same type as row[field] but different. */
function changed(field: keyof ChainedAuditRow): ChainedAuditRow {
  const v = row[field];
  const other =
    v instanceof Date ? new Date(v.getTime() + 1) : typeof v === "number" ? v + 1 : `${String(v)}x`;
  return { ...row, [field]: other };
}

describe("canonical audit JSON", () => {
  it("covers exactly the stored columns of AuditEvent except hash", () => {
    const columns = Object.values(Prisma.AuditEventScalarFieldEnum).filter((c) => c !== "hash");
    expect([...AUDIT_HASHED_FIELDS].sort()).toEqual([...columns].sort());
  });

  it("the export carries every hashed column and the hash, so a holder can recompute the chain", () => {
    expect(EXPORT_COLUMNS).toEqual(expect.arrayContaining([...AUDIT_HASHED_FIELDS, "hash"]));
  });

  it("is the same text whatever order the row's properties come in", () => {
    const reversed = Object.fromEntries(Object.entries(row).reverse()) as ChainedAuditRow;
    const shuffled = Object.fromEntries(
      Object.entries(row).sort(([a], [b]) => a.length - b.length || b.localeCompare(a)),
    ) as ChainedAuditRow;
    expect(canonicalAuditJson(reversed)).toBe(canonicalAuditJson(row));
    expect(canonicalAuditJson(shuffled)).toBe(canonicalAuditJson(row));
  });

  it("has sorted keys, no whitespace, and ignores properties that are not columns", () => {
    const text = canonicalAuditJson({ ...row, hash: "f".repeat(64), extra: 1 } as ChainedAuditRow);
    expect(text).toBe(canonicalAuditJson(row));
    const keys = Object.keys(JSON.parse(text) as object);
    expect(keys).toEqual([...keys].sort());
    expect(keys).toHaveLength(AUDIT_HASHED_FIELDS.length);
    expect(text).not.toMatch(/[:,] /);
  });

  it("writes absent values as explicit nulls (undefined and null are the same)", () => {
    const nulls = { ...row, actorEmail: null, durationSeconds: null };
    const undefs = {
      ...row,
      actorEmail: undefined,
      durationSeconds: undefined,
    } as unknown as ChainedAuditRow;
    const parsed = JSON.parse(canonicalAuditJson(nulls)) as Record<string, unknown>;
    expect(parsed.actorEmail).toBeNull();
    expect(parsed.durationSeconds).toBeNull();
    expect(canonicalAuditJson(undefs)).toBe(canonicalAuditJson(nulls));
  });

  it("writes createdAt as ISO 8601 UTC with milliseconds and hashes the stored JSON text as is", () => {
    const parsed = JSON.parse(canonicalAuditJson(row)) as Record<string, unknown>;
    expect(parsed.createdAt).toBe("2026-11-26T12:00:00.123Z");
    expect(parsed.detailsJson).toBe('{"region":"eu-west-1","b":1,"a":2}');
    expect(parsed.durationSeconds).toBe(3600);
  });

  for (const field of AUDIT_HASHED_FIELDS) {
    it(`a change to ${field} changes the hash`, () => {
      expect(computeAuditHash(GENESIS_HASH, changed(field))).not.toBe(
        computeAuditHash(GENESIS_HASH, row),
      );
    });
  }

  it("a different predecessor changes the hash", () => {
    expect(computeAuditHash("b".repeat(64), row)).not.toBe(computeAuditHash("a".repeat(64), row));
  });

  it("is SHA-256 hex over prevHash followed by the canonical JSON (known answer)", () => {
    const expected = createHash("sha256")
      .update(`${"a".repeat(64)}${canonicalAuditJson(row)}`)
      .digest("hex");
    expect(computeAuditHash("a".repeat(64), row)).toBe(expected);
    expect(canonicalAuditJson(row)).toBe(
      '{"accessKeyId":"ASIAEXAMPLE123456789","action":"credentials.issued","actorEmail":"alice@example.com","actorGroupsJson":"[\\"developers\\",\\"gatehouse-admins\\"]","actorIssuer":"https://idp.example.com","actorSubject":"alice","actorUserId":"cuser0000000000000000001","awsAccountId":"123456789012","createdAt":"2026-11-26T12:00:00.123Z","detailsJson":"{\\"region\\":\\"eu-west-1\\",\\"b\\":1,\\"a\\":2}","durationSeconds":3600,"id":"cmwxp9ewn4rjcyf2xkepbp610","ip":"127.0.0.1","outcome":"success","prevHash":"aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa","requestId":"0b6f7d7e-3c1a-4c4e-9a57-3c1c2f7b9a10","roleArn":"arn:aws:iam::123456789012:role/Developer","roleSessionName":"alice@example.com","sequence":7,"sourceIdentity":"cuser0000000000000000001","userAgent":"curl/8.5 \\"quoted\\" \u2028 ünïcödé"}',
    );
  });

  const misuse: Array<[string, Partial<Record<keyof ChainedAuditRow, unknown>>]> = [
    ["an invalid date", { createdAt: new Date(NaN) }],
    ["a date given as text", { createdAt: "2026-11-26T12:00:00.123Z" }],
    ["a fractional sequence", { sequence: 1.5 }],
    ["an unsafe integer", { durationSeconds: 2 ** 60 }],
    ["a number where text belongs", { actorEmail: 5 }],
  ];
  for (const [what, patch] of misuse) {
    it(`refuses ${what} (a programming error, thrown at once)`, () => {
      expect(() => canonicalAuditJson({ ...row, ...patch } as ChainedAuditRow)).toThrow(TypeError);
    });
  }
});

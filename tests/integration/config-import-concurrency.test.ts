// Two imports at once: each was reviewed (dry run) against the same configuration, so whichever
// commits second would change a configuration its admin never reviewed. Exactly one applies; the
// other is answered "stale" with the diff as it now is, changes nothing and is not audited —
// never a database error, never a mix of both files. Runs on SQLite and PostgreSQL.
import { describe, expect, it } from "vitest";
import type { Db } from "@/lib/db/client";
import { SYSTEM_ACTOR } from "@/lib/audit/write-audit-event";
import {
  applyImport,
  dryRunImport,
  type ImportResult,
  type ImportSite,
} from "@/lib/config-as-code/import-config";
import { withTestDatabase } from "../support/test-database";

const SITE: ImportSite = { partition: "aws", oidcIssuer: null };
const NOW = new Date();
const meta = { requestId: "config-import-concurrency", ip: null, userAgent: null };

let db: Db;

withTestDatabase((created) => {
  db = created;
});

const file = (environment: string, roles = "") =>
  `version: 1\naccounts:\n  - id: "123456789012"\n    name: acme\n    environment: ${environment}\n${roles}`;

async function reviewed(text: string): Promise<string> {
  const dry = await dryRunImport(db, text, undefined, NOW, SITE);
  if (!dry.ok) throw new Error(JSON.stringify(dry));
  return dry.diff.hash;
}

async function apply(text: string, expectedHash: string): Promise<ImportResult> {
  return applyImport(db, { text, expectedHash }, SYSTEM_ACTOR, meta, NOW, SITE);
}

const imports = () => db.auditEvent.count({ where: { action: "admin.config.imported" } });

describe("two imports reviewed against the same configuration", () => {
  it.each([
    ["each changes the same field differently", file("prod"), file("staging")],
    [
      "each adds the same role (the same unique ARN)",
      file("prod", "    roles:\n      - name: Deploy\n"),
      file("staging", "    roles:\n      - name: Deploy\n        description: from B\n"),
    ],
  ])("one applies, the other is refused as stale: %s", async (_case, a, b) => {
    await db.awsAccount.deleteMany();
    const base = file("dev");
    await apply(base, await reviewed(base));
    const before = await imports();
    const [hashA, hashB] = [await reviewed(a), await reviewed(b)];

    const results = await Promise.all([apply(a, hashA), apply(b, hashB)]);

    const applied = results.filter((r) => r.ok && r.applied);
    const stale = results.filter((r) => !r.ok && r.reason === "stale");
    expect(applied).toHaveLength(1);
    expect(stale).toHaveLength(1);
    // The database holds exactly the file that applied, and only it was audited.
    const winner = results[0].ok ? a : b;
    const now = await dryRunImport(db, winner, undefined, NOW, SITE);
    expect(now.ok && now.diff.total).toBe(0);
    expect(await imports()).toBe(before + 1);
  });
});

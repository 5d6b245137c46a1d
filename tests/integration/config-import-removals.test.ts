// Removing a role by import deletes its access requests with it (the schema cascades): pending
// requests vanish unanswered and approved elevations end. The dry run says so, role by role, the
// apply is refused as stale if a request was filed on such a role since the review, and the audit
// event counts what went (the audit log keeps the requests' own events). SQLite and PostgreSQL.
import { describe, expect, it } from "vitest";
import type { Db } from "@/lib/db/client";
import { SYSTEM_ACTOR } from "@/lib/audit/write-audit-event";
import {
  applyImport,
  dryRunImport,
  type DiffSummary,
  type ImportSite,
} from "@/lib/config-as-code/import-config";
import { withTestDatabase } from "../support/test-database";

const SITE: ImportSite = { partition: "aws", oidcIssuer: null };
const NOW = new Date();
const HOUR = 3600_000;
const meta = { requestId: "config-import-removals", ip: null, userAgent: null };

let db: Db;

withTestDatabase((created) => {
  db = created;
});

const account = (id: string, roles: string[]) =>
  `  - id: "${id}"\n    name: acct-${id}\n    environment: dev\n    roles:\n${roles.map((r) => `      - name: ${r}\n`).join("")}`;
const file = (...accounts: string[]) => `version: 1\naccounts:\n${accounts.join("")}`;
const BOTH = file(account("111111111111", ["Keep", "Drop"]), account("222222222222", ["Other"]));

async function dryRun(text: string): Promise<DiffSummary> {
  const dry = await dryRunImport(db, text, undefined, NOW, SITE);
  if (!dry.ok) throw new Error(JSON.stringify(dry));
  return dry.diff;
}

async function fileRequest(roleName: string, state: string) {
  const role = await db.role.findFirstOrThrow({ where: { name: roleName } });
  const person = await db.person.create({
    data: {
      identities: {
        create: {
          issuer: "https://idp.example",
          subject: `${roleName}-${state}-${Math.random()}`,
          roleSessionName: `s-${Math.random().toString(36).slice(2)}`,
        },
      },
    },
    include: { identities: true },
  });
  await db.accessRequest.create({
    data: {
      roleId: role.id,
      personId: person.id,
      requesterUserId: person.identities[0]!.id,
      requesterEmail: "someone@corp.example",
      durationSeconds: 3600,
      startsAt: NOW,
      decideBy: new Date(NOW.getTime() + 24 * HOUR),
      state,
      ...(state === "approved" ? { approvedAt: NOW, endsAt: new Date(NOW.getTime() + HOUR) } : {}),
    },
  });
}

describe("a dry run that removes roles with access requests", () => {
  it("names, per removed role, the requests deleted with it; a request filed since makes it stale", async () => {
    const base = await dryRun(BOTH);
    await applyImport(db, { text: BOTH, expectedHash: base.hash }, SYSTEM_ACTOR, meta, NOW, SITE);
    for (const state of ["pending", "approved", "denied"]) await fileRequest("Drop", state);
    await fileRequest("Other", "pending");
    await fileRequest("Keep", "pending");

    // Drop is removed from a kept account; Other goes with its whole account.
    const text = file(account("111111111111", ["Keep"]));
    const review = await dryRun(text);
    expect(review.removedRequests).toEqual([
      { role: "111111111111/Drop", total: 3, pending: 1, approved: 1 },
      { role: "222222222222/Other", total: 1, pending: 1, approved: 0 },
    ]);

    await fileRequest("Drop", "pending");
    const stale = await applyImport(
      db,
      { text, expectedHash: review.hash },
      SYSTEM_ACTOR,
      meta,
      NOW,
      SITE,
    );
    expect(stale).toMatchObject({ ok: false, reason: "stale" });
    expect(await db.accessRequest.count()).toBe(6);

    const again = await dryRun(text);
    expect(again.removedRequests[0]).toMatchObject({ total: 4, pending: 2 });
    const applied = await applyImport(
      db,
      { text, expectedHash: again.hash },
      SYSTEM_ACTOR,
      meta,
      NOW,
      SITE,
    );
    expect(applied).toMatchObject({ ok: true, applied: true });
    expect(await db.accessRequest.count()).toBe(1);
    const audit = await db.auditEvent.findFirstOrThrow({
      where: { action: "admin.config.imported" },
      orderBy: { sequence: "desc" },
    });
    expect(JSON.parse(audit.detailsJson)).toMatchObject({ accessRequestsDeleted: 5 });
  });
});

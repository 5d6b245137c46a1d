// Configuration as code round-trips in every state (docs/SECURITY.md "People"): a property test builds
// random databases — several identity providers, people with one to three identities, emails that
// several people share (or none), group rules of any IdP or of one, user rules, rules that expired,
// eligible rules with every request term (docs/ACCESS-REQUESTS.md) — and checks that importing the
// export changes nothing. Before people existed, one person signing in through two IdPs made the
// export fail to re-import; before eligible rules were in the file, they re-imported as standing.
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import type { Db } from "@/lib/db/client";
import { SYSTEM_ACTOR } from "@/lib/audit/write-audit-event";
import { serialiseDocument, toDocument } from "@/lib/config-as-code/export-config";
import {
  applyImport,
  dryRunImport,
  exportableConfig,
  type ImportSite,
} from "@/lib/config-as-code/import-config";
import { withTestDatabase } from "../support/test-database";

const OIDC = "https://oidc.corp.example";
const SAML = ["https://saml-a.corp.example/idp", "https://saml-b.corp.example/idp"];
const ISSUERS = [OIDC, ...SAML];
const EMAILS = ["bob@corp.example", "Bob@corp.example", "carol@corp.example", "x@corp.example"];
const GROUPS = ["developers", "ops", "gatehouse-admins"];
const NOW = new Date();
const HOUR = 3600_000;
const SITE: ImportSite = { partition: "aws", oidcIssuer: OIDC };

let db: Db;

withTestDatabase((created) => {
  db = created;
});

const identity = fc.record({
  issuer: fc.constantFrom(...ISSUERS),
  subject: fc.stringMatching(/^[a-z0-9]{1,8}$/),
  email: fc.option(fc.constantFrom(...EMAILS), { nil: null }),
  // An email its IdP did not vouch for names nobody: the file names that person otherwise.
  emailVerified: fc.boolean(),
});

const subject = fc.oneof(
  fc.record({
    kind: fc.constant("group" as const),
    group: fc.constantFrom(...GROUPS),
    issuer: fc.option(fc.constantFrom(...ISSUERS), { nil: null }),
  }),
  fc.record({ kind: fc.constant("person" as const), person: fc.nat() }),
);

/** An eligible rule's terms: approvers are groups (of any IdP or of one) and people. */
const terms = fc.record({
  approvers: fc.array(subject, { minLength: 1, maxLength: 3 }),
  approvalsRequired: fc.integer({ min: 1, max: 5 }),
  maxElevationSeconds: fc.constantFrom(900, 3600, 86_400),
  requireReason: fc.boolean(),
  requireTicket: fc.boolean(),
  requireMfaToRequest: fc.boolean(),
  requireMfaToApprove: fc.boolean(),
  breakGlass: fc.boolean(),
  webhookUrl: fc.option(fc.constant("https://hooks.corp.example/gatehouse"), { nil: null }),
});

const rule = fc.record({
  subject,
  maxSessionDurationSeconds: fc.constantFrom(900, 3600, 7200, 43_200),
  outputs: fc.constantFrom([true, true], [true, false], [false, true]),
  // Hours from now: negative is a rule that has expired (kept, shown as expired).
  expiresInHours: fc.option(
    fc.integer({ min: -48, max: 48 }).filter((h) => h !== 0),
    {
      nil: null,
    },
  ),
  requireMfa: fc.boolean(),
  eligible: fc.option(terms, { nil: null }),
});

const world = fc.record({
  people: fc.array(fc.array(identity, { minLength: 1, maxLength: 3 }), {
    minLength: 1,
    maxLength: 5,
  }),
  roles: fc.array(fc.array(rule, { maxLength: 4 }), { minLength: 1, maxLength: 3 }),
});

type World = typeof world extends fc.Arbitrary<infer T> ? T : never;

async function reset(): Promise<void> {
  await db.accessRule.deleteMany();
  await db.favoriteRole.deleteMany();
  await db.role.deleteMany();
  await db.awsAccount.deleteMany();
  await db.user.deleteMany();
  await db.person.deleteMany();
  await db.samlIdentityProvider.deleteMany();
}

/**
 * Writes a world; identities whose (issuer, subject) was already taken are skipped. Returns the
 * people's ids, in the world's order.
 */
async function build(w: World): Promise<string[]> {
  await reset();
  for (const [i, entityId] of SAML.entries())
    await db.samlIdentityProvider.create({
      data: {
        slug: `idp-${i}`,
        displayName: `IdP ${i}`,
        entityId,
        ssoUrl: `${entityId}/sso`,
        certificatesJson: "[]",
      },
    });
  const seen = new Set<string>();
  const personIds: string[] = [];
  const emailOf = new Map<string, string | null>();
  for (const [p, identities] of w.people.entries()) {
    const person = await db.person.create({ data: {} });
    personIds.push(person.id);
    for (const [i, id] of identities.entries()) {
      if (seen.has(`${id.issuer}\n${id.subject}`)) continue;
      seen.add(`${id.issuer}\n${id.subject}`);
      if (!emailOf.has(person.id)) emailOf.set(person.id, id.email);
      await db.user.create({
        data: {
          personId: person.id,
          issuer: id.issuer,
          subject: id.subject,
          email: id.email,
          emailVerified: id.emailVerified,
          roleSessionName: `p${p}-i${i}-${id.subject}`,
        },
      });
    }
  }
  const account = await db.awsAccount.create({
    data: { accountId: "123456789012", name: "acme", environment: "dev" },
  });
  for (const [r, rules] of w.roles.entries()) {
    const role = await db.role.create({
      data: {
        awsAccountId: account.id,
        name: `Role${r}`,
        arn: `arn:aws:iam::123456789012:role/Role${r}`,
        maxSessionDurationSeconds: 43_200,
      },
    });
    for (const [k, rule] of rules.entries()) {
      const personId =
        rule.subject.kind === "person" ? personIds[rule.subject.person % personIds.length]! : null;
      // A person whose identities were all skipped has none: no rule can name them by file.
      if (personId !== null && (await db.user.count({ where: { personId } })) === 0) continue;
      await db.accessRule.create({
        data: {
          roleId: role.id,
          groupName: rule.subject.kind === "group" ? rule.subject.group : null,
          groupIssuer: rule.subject.kind === "group" ? rule.subject.issuer : null,
          personId,
          maxSessionDurationSeconds: rule.maxSessionDurationSeconds,
          allowConsole: rule.outputs[0],
          allowCli: rule.outputs[1],
          expiresAt:
            rule.expiresInHours === null
              ? null
              : new Date(NOW.getTime() + rule.expiresInHours * HOUR),
          requireMfa: rule.requireMfa,
          ...eligibleData(rule.eligible, personId, personIds, emailOf),
          // Rules of one subject keep their order by creation time.
          createdAt: new Date(NOW.getTime() - (1000 - k) * 1000),
        },
      });
    }
  }
  return personIds;
}

type Terms = World["roles"][number][number]["eligible"];

/**
 * An eligible rule's columns, approvers as stored by the admin editor (a person with the email
 * they were named by) or by the demo seed (a group without an issuer key). Never the rule's own
 * person alone, no person without an identity, and no more approvals than people when no group
 * approves: the editor refuses all three. None left: standing.
 */
function eligibleData(
  terms: Terms,
  own: string | null,
  personIds: readonly string[],
  emailOf: ReadonlyMap<string, string | null>,
) {
  if (terms === null) return {};
  const approvers: object[] = [];
  for (const a of terms.approvers) {
    if (a.kind === "group")
      approvers.push(a.issuer === null ? { group: a.group } : { group: a.group, issuer: a.issuer });
    else {
      const personId = personIds[a.person % personIds.length]!;
      if (emailOf.has(personId)) approvers.push({ personId, email: emailOf.get(personId) });
    }
  }
  if (approvers.every((a) => "personId" in a && a.personId === own)) return {};
  // Nor more approvals than people besides its own may give, when no group approves.
  const people = new Set(approvers.flatMap((a) => ("personId" in a ? [a.personId] : [])));
  people.delete(own ?? "");
  const onlyPeople = approvers.every((a) => "personId" in a);
  return {
    kind: "eligible",
    approversJson: JSON.stringify(approvers),
    approvalsRequired: onlyPeople
      ? Math.min(terms.approvalsRequired, people.size)
      : terms.approvalsRequired,
    maxElevationSeconds: terms.maxElevationSeconds,
    requireReason: terms.requireReason,
    requireTicket: terms.requireTicket,
    requireMfaToRequest: terms.requireMfaToRequest,
    requireMfaToApprove: terms.requireMfaToApprove,
    breakGlass: terms.breakGlass,
    webhookUrl: terms.webhookUrl,
  };
}

describe("config as code: export → import changes nothing, in every state", () => {
  it("random worlds of IdPs, linked and unlinked identities, shared emails and expired rules", async () => {
    await fc.assert(
      fc.asyncProperty(world, async (w) => {
        await build(w);
        const yaml = serialiseDocument(toDocument(await exportableConfig(db), "aws"), "yaml");
        const result = await dryRunImport(db, yaml, "yaml", NOW, SITE);
        expect(result, yaml).toMatchObject({ ok: true });
        if (result.ok) expect(result.diff.total, yaml).toBe(0);
      }),
      { numRuns: 40, seed: 20261203 },
    );
  });
});

const STANDING_TERMS = {
  kind: "standing",
  approversJson: "[]",
  approvalsRequired: 1,
  maxElevationSeconds: 3600,
  requireReason: true,
  requireTicket: false,
  requireMfaToRequest: false,
  requireMfaToApprove: false,
  breakGlass: false,
  webhookUrl: null,
};

/** Imports a file for real (dry run, then apply of that diff), as the admin page does. */
async function importFile(text: string, format: "yaml" | "json") {
  const dry = await dryRunImport(db, text, format, NOW, SITE);
  if (!dry.ok) throw new Error(JSON.stringify(dry));
  const meta = { requestId: "config-round-trip", ip: null, userAgent: null };
  return applyImport(
    db,
    { text, format, expectedHash: dry.diff.hash },
    SYSTEM_ACTOR,
    meta,
    NOW,
    SITE,
  );
}

const exported = async (format: "yaml" | "json") =>
  serialiseDocument(toDocument(await exportableConfig(db), "aws"), format);

/** One role with one rule for the first person; a second person to approve. */
function oneRule(eligible: Terms): World {
  return {
    people: [
      [{ issuer: OIDC, subject: "carol", email: "carol@corp.example", emailVerified: true }],
      [{ issuer: SAML[0]!, subject: "dana", email: "dana@corp.example", emailVerified: true }],
    ],
    roles: [
      [
        {
          subject: { kind: "person", person: 0 },
          maxSessionDurationSeconds: 3600,
          outputs: [true, true],
          expiresInHours: null,
          requireMfa: false,
          eligible,
        },
      ],
    ],
  };
}

describe("config as code: an eligible rule stays eligible", () => {
  it("exports as eligible and re-imports unchanged; imported over a standing copy, it is eligible again", async () => {
    const [, dana] = await build(
      oneRule({
        approvers: [
          { kind: "group", group: "ops", issuer: SAML[1]! },
          { kind: "person", person: 1 },
        ],
        approvalsRequired: 2,
        maxElevationSeconds: 900,
        requireReason: false,
        requireTicket: true,
        requireMfaToRequest: true,
        requireMfaToApprove: false,
        breakGlass: true,
        webhookUrl: "https://hooks.corp.example/gatehouse",
      }),
    );
    const yaml = await exported("yaml");
    expect(yaml).toContain("access: eligible");
    expect(await dryRunImport(db, yaml, "yaml", NOW, SITE)).toMatchObject({ diff: { total: 0 } });

    // The database says standing now (as if someone changed it): importing the file makes the rule
    // eligible again with every one of its terms, never leaves it granting without approval.
    await db.accessRule.updateMany({ data: STANDING_TERMS });
    const dry = await dryRunImport(db, yaml, "yaml", NOW, SITE);
    expect(dry.ok && dry.diff.changes.map((c) => c.fields.map((f) => f.field))).toEqual([
      [
        "kind",
        "approvers",
        "approvalsRequired",
        "maxElevationSeconds",
        "requireReason",
        "requireTicket",
        "requireMfaToRequest",
        "breakGlass",
        "webhookUrl",
      ],
    ]);
    expect(await importFile(yaml, "yaml")).toMatchObject({ ok: true, applied: true });
    const stored = await db.accessRule.findFirstOrThrow();
    expect(stored).toMatchObject({
      kind: "eligible",
      approvalsRequired: 2,
      maxElevationSeconds: 900,
      requireReason: false,
      requireTicket: true,
      requireMfaToRequest: true,
      requireMfaToApprove: false,
      breakGlass: true,
      webhookUrl: "https://hooks.corp.example/gatehouse",
    });
    expect(JSON.parse(stored.approversJson)).toEqual([
      { group: "ops", issuer: SAML[1] },
      { personId: dana, email: "dana@corp.example" },
    ]);
    expect(await dryRunImport(db, await exported("yaml"), "yaml", NOW, SITE)).toMatchObject({
      diff: { total: 0 },
    });
  });

  it("made eligible by a file, a standing rule gets the file's terms, not those an earlier version left", async () => {
    await build(oneRule(null));
    // What an earlier eligible version left in the row; a standing rule ignores it.
    await db.accessRule.updateMany({
      data: { breakGlass: true, approvalsRequired: 5, approversJson: '[{"group":"everyone"}]' },
    });
    expect(await dryRunImport(db, await exported("yaml"), "yaml", NOW, SITE)).toMatchObject({
      diff: { total: 0 },
    });
    const doc = JSON.parse(await exported("json")) as {
      accounts: Array<{ roles: Array<{ rules: Array<Record<string, unknown>> }> }>;
    };
    Object.assign(doc.accounts[0]!.roles[0]!.rules[0]!, {
      access: "eligible",
      request: { approvers: ["ops"] },
    });
    expect(await importFile(JSON.stringify(doc), "json")).toMatchObject({
      ok: true,
      applied: true,
    });
    const stored = await db.accessRule.findFirstOrThrow();
    expect(stored).toMatchObject({
      ...STANDING_TERMS,
      kind: "eligible",
      approversJson: expect.any(String),
    });
    expect(JSON.parse(stored.approversJson)).toEqual([{ group: "ops", issuer: null }]);
  });
});

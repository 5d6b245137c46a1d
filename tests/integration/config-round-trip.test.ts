// Config as code round-trips in every state (docs/SECURITY.md "People"): a property test builds
// random databases — several identity providers, people with one to three identities, emails that
// several people share (or none), group rules of any IdP or of one, user rules, rules that expired
// — and checks that importing the export changes nothing. Before people existed, one person
// signing in through two IdPs made the export fail to re-import.
import fc from "fast-check";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createDb, type Db } from "@/lib/db/client";
import { serialiseDocument, toDocument } from "@/lib/config-as-code/export-config";
import { dryRunImport, exportableConfig } from "@/lib/config-as-code/import-config";
import { createTestDatabase, testDatabaseKind } from "../support/stack";

const OIDC = "https://oidc.corp.example";
const SAML = ["https://saml-a.corp.example/idp", "https://saml-b.corp.example/idp"];
const ISSUERS = [OIDC, ...SAML];
const EMAILS = ["bob@corp.example", "Bob@corp.example", "carol@corp.example", "x@corp.example"];
const GROUPS = ["developers", "ops", "gatehouse-admins"];
const NOW = new Date();
const HOUR = 3600_000;

let database: { url: string; drop(): Promise<void> };
let db: Db;

beforeAll(async () => {
  database = await createTestDatabase(testDatabaseKind());
  db = createDb(database.url);
});
afterAll(async () => {
  await db?.$disconnect();
  await database?.drop();
});

const identity = fc.record({
  issuer: fc.constantFrom(...ISSUERS),
  subject: fc.stringMatching(/^[a-z0-9]{1,8}$/),
  email: fc.option(fc.constantFrom(...EMAILS), { nil: null }),
});

const rule = fc.record({
  subject: fc.oneof(
    fc.record({
      kind: fc.constant("group" as const),
      group: fc.constantFrom(...GROUPS),
      issuer: fc.option(fc.constantFrom(...ISSUERS), { nil: null }),
    }),
    fc.record({ kind: fc.constant("person" as const), person: fc.nat() }),
  ),
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

/** Writes a world; identities whose (issuer, subject) was already taken are skipped. */
async function build(w: World): Promise<void> {
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
  for (const [p, identities] of w.people.entries()) {
    const person = await db.person.create({ data: {} });
    personIds.push(person.id);
    for (const [i, id] of identities.entries()) {
      if (seen.has(`${id.issuer}\n${id.subject}`)) continue;
      seen.add(`${id.issuer}\n${id.subject}`);
      await db.user.create({
        data: {
          personId: person.id,
          issuer: id.issuer,
          subject: id.subject,
          email: id.email,
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
          // Rules of one subject keep their order by creation time.
          createdAt: new Date(NOW.getTime() - (1000 - k) * 1000),
        },
      });
    }
  }
}

describe("config as code: export → import changes nothing, in every state", () => {
  it("random worlds of IdPs, linked and unlinked identities, shared emails and expired rules", async () => {
    await fc.assert(
      fc.asyncProperty(world, async (w) => {
        await build(w);
        const yaml = serialiseDocument(toDocument(await exportableConfig(db), "aws"), "yaml");
        const result = await dryRunImport(db, yaml, "yaml", NOW, {
          partition: "aws",
          oidcIssuer: OIDC,
        });
        expect(result, yaml).toMatchObject({ ok: true });
        if (result.ok) expect(result.diff.total, yaml).toBe(0);
      }),
      { numRuns: 40, seed: 20261203 },
    );
  });
});

// The one-statement reads of the issuance path and the accounts page (docs/BENCHMARKS.md "Issuance
// under load", "Accounts page") against a real database of the tier's kind: the grants read with
// one JOIN are exactly what the same conditions give through Prisma's model query (the reference
// below), for every role, every kind of rule that may or may not name the principal and every
// kind of principal; the grant for one role is that role's grant among them; a session's user is
// read with every field, and an unknown, expired or revoked session is none; "recently used" counts
// the person's issuances of the last 90 days only.
import { describe, expect, it } from "vitest";
import { elevationRulesFor } from "@/lib/access-requests/elevations";
import {
  findGrantForRole,
  findGrantsForPrincipal,
  namingPrincipal,
} from "@/lib/access/find-grants";
import { resolveGrants, type Grant, type Principal } from "@/lib/access/resolve-grants";
import { RECENT_WINDOW_DAYS, findLastRoleUses } from "@/lib/access/recents";
import { ruleSelect } from "@/lib/access/rule-select";
import { findActiveSessionUser } from "@/lib/auth/portal-session";
import type { Db } from "@/lib/db/client";
import { withTestDatabase } from "../support/test-database";

const NOW = new Date("2026-12-05T12:00:00Z");
const IDP = "https://login.corp.example";
const OTHER_IDP = "https://saml.other.example";
let db: Db;
const roleIds: Record<string, string> = {};
let personId = "";
let otherPersonId = "";

/** One role per way a rule can name (or fail to name) the principal. */
const RULES: Array<{ role: string; rule: Record<string, unknown> | null }> = [
  { role: "person-rule", rule: { personId: "@me" } },
  { role: "other-person-rule", rule: { personId: "@other" } },
  { role: "group-any-idp", rule: { groupName: "developers" } },
  { role: "group-this-idp", rule: { groupName: "developers", groupIssuer: IDP } },
  { role: "group-other-idp", rule: { groupName: "developers", groupIssuer: OTHER_IDP } },
  { role: "group-not-mine", rule: { groupName: "finance" } },
  { role: "group-quote's", rule: { groupName: 'o\'brien "team"; DROP' } },
  { role: "expired", rule: { personId: "@me", expiresAt: new Date(NOW.getTime() - 1000) } },
  {
    role: "expiring-later",
    rule: { personId: "@me", expiresAt: new Date(NOW.getTime() + 7200e3) },
  },
  {
    role: "console-only-mfa",
    rule: { groupName: "developers", allowCli: false, requireMfa: true },
  },
  { role: "eligible-only", rule: { groupName: "developers", kind: "eligible" } },
  { role: "no-rule", rule: null },
];

withTestDatabase(async (created) => {
  db = created;
  const account = await db.awsAccount.create({
    data: { accountId: "111122223333", name: "lookup", environment: "dev" },
  });
  const me = await db.person.create({ data: {} });
  const other = await db.person.create({ data: {} });
  personId = me.id;
  otherPersonId = other.id;
  for (const { role, rule } of RULES) {
    const created = await db.role.create({
      data: {
        awsAccountId: account.id,
        name: role,
        arn: `arn:aws:iam::111122223333:role/${role.replace(/\W/g, "-")}`,
        maxSessionDurationSeconds: 7200,
      },
    });
    roleIds[role] = created.id;
    if (!rule) continue;
    const subject =
      rule.personId === "@me"
        ? { personId }
        : rule.personId === "@other"
          ? { personId: otherPersonId }
          : {};
    await db.accessRule.create({ data: { ...rule, ...subject, roleId: created.id } });
    // A second rule on the same role for the group case: resolution merges them.
    if (role === "group-any-idp")
      await db.accessRule.create({
        data: { roleId: created.id, personId, maxSessionDurationSeconds: 900, allowConsole: false },
      });
  }
});

const principals: Array<[string, () => Principal]> = [
  ["a member of developers through the IdP", () => principal(["developers"], IDP)],
  ["a member of developers through another IdP", () => principal(["developers"], OTHER_IDP)],
  ["someone in no group", () => principal([], IDP)],
  [
    "someone in many groups",
    () => principal(["finance", "developers", 'o\'brien "team"; DROP'], IDP),
  ],
  [
    "the same groups, with MFA",
    () => ({ ...principal(["developers"], IDP), mfaAuthenticated: true }),
  ],
];

function principal(groups: string[], issuer: string): Principal {
  return { personId, issuer, groups, mfaAuthenticated: false };
}

/**
 * The reference: the rules naming the principal read with Prisma's model query (three statements,
 * joined by Prisma), resolved the same way. What the one-statement reads must equal.
 */
async function grantsThroughModelQuery(p: Principal): Promise<Grant[]> {
  const rules = await db.accessRule.findMany({ where: namingPrincipal(p), select: ruleSelect });
  return resolveGrants([...rules, ...(await elevationRulesFor(db, p, NOW))], p, NOW);
}

describe("the grants read in one statement are the model query's grants", () => {
  for (const [who, make] of principals)
    it(`for ${who}, on every role`, async () => {
      const p = make();
      const expected = await grantsThroughModelQuery(p);
      expect(await findGrantsForPrincipal(db, p, NOW)).toEqual(expected);
      for (const { role } of RULES) {
        const one = await findGrantForRole(db, p, roleIds[role]!, NOW);
        expect(one, `${who}: ${role}`).toEqual(
          expected.find((g) => g.roleId === roleIds[role]) ?? null,
        );
      }
      // And some of them grant: the comparison is not between two empty answers.
      expect(expected.length).toBeGreaterThan(0);
    });
});

describe("a session is read with its user in one statement", () => {
  it("an active session gives its user and sign-in; unknown, expired and revoked give none", async () => {
    const user = await db.user.create({
      data: {
        personId,
        issuer: IDP,
        subject: "me",
        email: "me@corp.example",
        emailVerified: true,
        displayName: "Me",
        groupsJson: JSON.stringify(["developers"]),
        roleSessionName: "me",
      },
    });
    const session = (id: string, fields: Record<string, unknown> = {}) =>
      db.portalSession.create({
        data: {
          id,
          userId: user.id,
          createdAt: new Date(NOW.getTime() - 60_000),
          expiresAt: new Date(NOW.getTime() + 3600e3),
          mfaAuthenticated: true,
          sessionTagsJson: JSON.stringify({ team: "platform" }),
          ...fields,
        },
      });
    const id = (n: string) => n.padEnd(43, "A");
    await session(id("active"));
    await session(id("expired"), { expiresAt: NOW });
    await session(id("revoked"), { revokedAt: new Date(NOW.getTime() - 1000) });
    const settings = { adminGroup: "admins", trustedOidcIssuer: IDP, now: NOW };

    const found = await findActiveSessionUser(db, id("active"), settings);
    expect(found).toEqual({
      id: user.id,
      personId,
      sessionId: id("active"),
      issuer: IDP,
      subject: "me",
      email: "me@corp.example",
      emailVerified: true,
      displayName: "Me",
      groups: ["developers"],
      isAdmin: false,
      isAuditor: false,
      roleSessionName: "me",
      sessionExpiresAt: new Date(NOW.getTime() + 3600e3),
      method: "oidc",
      sessionCreatedAt: new Date(NOW.getTime() - 60_000),
      mfaAuthenticated: true,
      sessionTags: { team: "platform" },
    });
    for (const gone of ["expired", "revoked", "unknown"])
      expect(await findActiveSessionUser(db, id(gone), settings), gone).toBeNull();
  });
});

describe(`Recently used reads the person's uses of the last ${RECENT_WINDOW_DAYS} days`, () => {
  it("counts each role's newest successful console link or credentials, from any of the person's identities, inside the window only", async () => {
    const identity = (subject: string, owner: string) =>
      db.user.create({
        data: { personId: owner, issuer: IDP, subject, roleSessionName: `recents-${subject}` },
      });
    const work = await identity("recents-work", personId);
    const linked = await identity("recents-linked", personId);
    const someoneElse = await identity("recents-other", otherPersonId);
    const DAY = 86_400_000;
    const arn = (n: string) => `arn:aws:iam::111122223333:role/recents-${n}`;
    // [role, who, action, outcome, days ago]: only the rows marked ✓ may count.
    const events: Array<[string, { id: string }, string, string, number]> = [
      ["a", work, "console.issued", "success", 1], // ✓ newest of a
      ["a", linked, "credentials.issued", "success", 30], // older use of a
      ["b", linked, "credentials.issued", "success", 89.9], // ✓ inside the window, from the linked identity
      ["c", work, "credentials.issued", "success", 90.1], // outside the window
      ["d", work, "credentials.issued", "denied", 2], // refused: not a use
      ["e", work, "auth.sign-in", "success", 2], // not an issuance
      ["f", someoneElse, "console.issued", "success", 2], // another person's use
    ];
    await db.auditEvent.createMany({
      data: events.map(([role, who, action, outcome, daysAgo], i) => ({
        createdAt: new Date(NOW.getTime() - daysAgo * DAY),
        requestId: `recents-${i}`,
        action,
        outcome,
        actorUserId: who.id,
        roleArn: arn(role),
      })),
    });

    const uses = await findLastRoleUses(db, [work.id, linked.id], NOW);
    expect([...uses]).toEqual([
      [arn("a"), new Date(NOW.getTime() - 1 * DAY)],
      [arn("b"), new Date(NOW.getTime() - 89.9 * DAY)],
    ]);
  });
});

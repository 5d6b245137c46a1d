import "server-only";
import { groupRulesOf } from "@/lib/access/find-grants";
import { resolveGrants, type Principal } from "@/lib/access/resolve-grants";
import { elevationRulesFor } from "@/lib/access-requests/elevations";
import type { Db } from "@/lib/db/client";
import { bind, boundSql } from "@/lib/db/bound-sql";
import { parseGroupsJson } from "@/lib/users/upsert-signed-in-user";
import { explainAccess, type Decision, type Explanation, type Output } from "./explain";
import {
  knownUsersByGroup,
  reviewed,
  ruleSelect,
  type ReviewedRule,
  type RuleRow,
} from "./reviewed-rules";

export interface ReviewedUser {
  id: string;
  personId: string;
  email: string | null;
  subject: string;
  issuer: string;
  groups: string[];
  lastLoginAt: Date | null;
}

/** A person, with every identity they sign in with. */
export interface ReviewedPerson {
  id: string;
  identities: ReviewedUser[];
}

/**
 * Every person with an identity that has this email in any letter case (each once, with all their
 * identities): IdPs send the case a person typed (Bob@Corp.Example), and issuance never looks at
 * it, so an auditor's lower-case query must still find them.
 */
async function peopleByEmail(
  db: Pick<Db, "user" | "$queryRaw">,
  email: string,
): Promise<ReviewedPerson[]> {
  // lower() on both sides, as linking by email compares (neither database's equality ignores case).
  const matching = await db.$queryRaw<Array<{ personId: string }>>(
    ...boundSql(['SELECT "personId" FROM "User" WHERE lower("email") = lower(', bind(email), ")"]),
  );
  const personIds = [...new Set(matching.map((m) => m.personId))];
  if (personIds.length === 0) return [];
  const rows = await db.user.findMany({
    where: { personId: { in: personIds } },
    orderBy: [{ createdAt: "asc" }, { id: "asc" }],
  });
  return personIds.map((id) => ({
    id,
    identities: rows
      .filter((u) => u.personId === id)
      .map((u) => ({
        id: u.id,
        personId: u.personId,
        email: u.email,
        subject: u.subject,
        issuer: u.issuer,
        groups: parseGroupsJson(u.groupsJson),
        lastLoginAt: u.lastLoginAt,
      })),
  }));
}

/** The rules that could name this person: theirs, and each identity's groups' (expired too). */
async function rulesNaming(
  db: Db,
  person: ReviewedPerson,
  extra: { roleId?: string } = {},
): Promise<RuleRow[]> {
  const groupRules = person.identities
    .filter((i) => i.groups.length > 0)
    .map((i) => groupRulesOf(i));
  return db.accessRule.findMany({
    where: {
      ...(extra.roleId ? { roleId: extra.roleId } : {}),
      OR: [{ personId: person.id }, ...groupRules],
    },
    select: ruleSelect,
    orderBy: [{ createdAt: "asc" }, { id: "asc" }],
  });
}

/** What signing in with one identity of the person would be asked as. */
const principalOfIdentity = (identity: ReviewedUser, mfaAuthenticated = false): Principal => ({
  personId: identity.personId,
  issuer: identity.issuer,
  groups: identity.groups,
  mfaAuthenticated,
});

export interface UserAccess {
  person: ReviewedPerson;
  grants: Array<{
    account: { accountId: string; name: string; environment: string };
    roleName: string;
    roleArn: string;
    allowConsole: boolean;
    allowCli: boolean;
    maxSessionDurationSeconds: number;
    needsMfaStepUp: boolean;
    /** The issuers of the identities whose sign-in reaches it. */
    via: string[];
    rules: ReviewedRule[];
    /** ISO end of time-bound access (an approved request or expiring rules); null if none. */
    until: string | null;
    /** The approved access requests behind it, if any (docs/ACCESS-REQUESTS.md). */
    byRequest: string[];
  }>;
}

/**
 * "What can person P reach": resolveGrants (the one resolution function) for a sign-in with each
 * of their identities (its groups as last asserted), without MFA (roles only MFA rules grant are
 * flagged), merged into one answer per person: a role reached through any identity, with the most
 * any of them allows. One entry per person with that email.
 */
export async function findUserAccess(db: Db, email: string, now: Date): Promise<UserAccess[]> {
  const people = await peopleByEmail(db, email);
  const members = await knownUsersByGroup(db);
  const out: UserAccess[] = [];
  for (const person of people) {
    const rules = await rulesNaming(db, person);
    // Current elevations (approved access requests) are access too, until they end.
    const elevations = await elevationRulesFor(db, { personId: person.id }, now);
    const byId = new Map(rules.map((r) => [r.id, r]));
    const merged = new Map<string, UserAccess["grants"][number] & { ruleIds: Set<string> }>();
    for (const identity of person.identities)
      for (const g of resolveGrants(
        [...rules, ...elevations],
        principalOfIdentity(identity),
        now,
      )) {
        const seen = merged.get(g.roleArn);
        if (!seen) {
          merged.set(g.roleArn, {
            account: {
              accountId: g.account.accountId,
              name: g.account.name,
              environment: g.account.environment,
            },
            roleName: g.roleName,
            roleArn: g.roleArn,
            allowConsole: g.allowConsole,
            allowCli: g.allowCli,
            maxSessionDurationSeconds: g.maxSessionDurationSeconds,
            needsMfaStepUp: g.needsMfaStepUp,
            via: [identity.issuer],
            rules: [],
            ruleIds: new Set(g.ruleIds),
            until: g.accessEndsAt?.toISOString() ?? null,
            byRequest: [...g.elevationRequestIds],
          });
          continue;
        }
        // Standing access through any identity outlasts time-bound access through another.
        if (seen.until !== null)
          seen.until =
            g.accessEndsAt === null
              ? null
              : new Date(Math.max(Date.parse(seen.until), g.accessEndsAt.getTime())).toISOString();
        for (const id of g.elevationRequestIds)
          if (!seen.byRequest.includes(id)) seen.byRequest.push(id);
        seen.allowConsole ||= g.allowConsole;
        seen.allowCli ||= g.allowCli;
        seen.maxSessionDurationSeconds = Math.max(
          seen.maxSessionDurationSeconds,
          g.maxSessionDurationSeconds,
        );
        seen.needsMfaStepUp &&= g.needsMfaStepUp;
        if (!seen.via.includes(identity.issuer)) seen.via.push(identity.issuer);
        for (const id of g.ruleIds) seen.ruleIds.add(id);
      }
    out.push({
      person,
      grants: [...merged.values()].map(({ ruleIds, ...g }) => ({
        ...g,
        rules: [...ruleIds].flatMap((id) => {
          const rule = byId.get(id);
          return rule ? [reviewed(rule, members, now)] : [];
        }),
      })),
    });
  }
  return out;
}

export interface ExplainedAccess {
  person: ReviewedPerson;
  /** The identity whose sign-in gets the best answer (the one the decision is for). */
  via: ReviewedUser;
  role: { name: string; arn: string; accountId: string; accountName: string };
  explanation: Explanation;
  rules: ReviewedRule[];
}

/** Which answer is better for the person: the first in this list wins. */
const DECISION_RANK: Decision[] = [
  "granted",
  "requires-mfa",
  "output-not-allowed",
  "eligible",
  "expired",
  "no-outputs",
  "no-rule",
];

/**
 * "Why can (or can't) this person use this role": explainAccess over all of the role's rules, for
 * a sign-in with each of their identities; the answer is the best of those, saying which identity
 * gives it. One answer per person with the email. Null when there is no such role; [] when no
 * identity has that email.
 */
export async function explainUserRole(
  db: Db,
  query: { email: string; roleArn: string; output?: Output; mfaAuthenticated: boolean },
  now: Date,
): Promise<ExplainedAccess[] | null> {
  const role = await db.role.findUnique({
    where: { arn: query.roleArn },
    include: {
      awsAccount: { select: { accountId: true, name: true } },
      accessRules: { select: ruleSelect, orderBy: [{ createdAt: "asc" }, { id: "asc" }] },
    },
  });
  if (!role) return null;
  const people = await peopleByEmail(db, query.email);
  const members = await knownUsersByGroup(db);
  // Each person's current elevations for this role (approved access requests) count too.
  const elevations = new Map(
    await Promise.all(
      people.map(
        async (p) => [p.id, await elevationRulesFor(db, { personId: p.id }, now, role.id)] as const,
      ),
    ),
  );
  return people.flatMap((person) => {
    const answers = person.identities.map((identity) => ({
      identity,
      explanation: explainAccess(
        [...role.accessRules, ...(elevations.get(person.id) ?? [])],
        principalOfIdentity(identity, query.mfaAuthenticated),
        now,
        query.output,
      ),
    }));
    answers.sort(
      (a, b) =>
        DECISION_RANK.indexOf(a.explanation.decision) -
        DECISION_RANK.indexOf(b.explanation.decision),
    );
    const best = answers[0];
    if (!best) return [];
    return [
      {
        person,
        via: best.identity,
        role: {
          name: role.name,
          arn: role.arn,
          accountId: role.awsAccount.accountId,
          accountName: role.awsAccount.name,
        },
        explanation: best.explanation,
        rules: role.accessRules.map((r) => reviewed(r, members, now)),
      },
    ];
  });
}

import "server-only";
import { ruleSelect as resolutionSelect } from "@/lib/access/rule-select";
import type { RuleForResolution } from "@/lib/access/resolve-grants";
import { describeApprovers, parseApprovers } from "@/lib/access-requests/approvers";
import type { Db } from "@/lib/db/client";
import { parseGroupsJson } from "@/lib/users/upsert-signed-in-user";
import {
  personIdentitiesSelect,
  personLabel,
  type PersonIdentities,
} from "@/lib/people/person-label";

/** Every field resolveGrants reads, plus the rule's description and who a user rule names. */
export const ruleSelect = {
  ...resolutionSelect,
  approversJson: true,
  description: true,
  person: personIdentitiesSelect,
} as const;

export type RuleRow = RuleForResolution & {
  description: string;
  person: PersonIdentities | null;
};

export interface KnownUser {
  email: string | null;
  subject: string;
  lastLoginAt: Date | null;
}

/** An identity as last signed in, with its person, for group membership lists. */
interface KnownIdentity extends KnownUser {
  personId: string;
  issuer: string;
}

/** One rule as the review shows it. */
export interface ReviewedRule {
  id: string;
  subjectKind: "group" | "user";
  subject: string;
  expiresAt: Date | null;
  isExpired: boolean;
  allowConsole: boolean;
  allowCli: boolean;
  requireMfa: boolean;
  maxSessionDurationSeconds: number;
  hasSessionPolicy: boolean;
  description: string;
  /** "eligible": grants only through an approved access request (docs/ACCESS-REQUESTS.md). */
  access: "standing" | "eligible";
  /** For eligible rules: who approves, in words. */
  approvers: string | null;
  /**
   * For group rules: people one of whose identities' groups, as last asserted at its sign-in by
   * the IdP the rule trusts (any, or the one it names), include it — each person once.
   */
  members: KnownUser[];
}

function subjectOf(rule: RuleRow): { kind: "group" | "user"; text: string } {
  if (rule.groupName !== null)
    return {
      kind: "group",
      text:
        rule.groupIssuer === null
          ? rule.groupName
          : `${rule.groupName} (only from ${rule.groupIssuer})`,
    };
  return { kind: "user", text: rule.person ? personLabel(rule.person) : "(unknown user)" };
}

export async function knownUsersByGroup(
  db: Pick<Db, "user">,
): Promise<Map<string, KnownIdentity[]>> {
  const users = await db.user.findMany({
    select: {
      email: true,
      subject: true,
      issuer: true,
      personId: true,
      lastLoginAt: true,
      groupsJson: true,
    },
    orderBy: [{ email: "asc" }, { subject: "asc" }],
  });
  const byGroup = new Map<string, KnownIdentity[]>();
  for (const u of users)
    for (const group of new Set(parseGroupsJson(u.groupsJson))) {
      const entry = {
        email: u.email,
        subject: u.subject,
        issuer: u.issuer,
        personId: u.personId,
        lastLoginAt: u.lastLoginAt,
      };
      const list = byGroup.get(group);
      if (list) list.push(entry);
      else byGroup.set(group, [entry]);
    }
  return byGroup;
}

/** The members of a group rule: from the IdP it trusts, each person once (their first identity). */
function membersOf(rule: RuleRow, members: Map<string, KnownIdentity[]>): KnownUser[] {
  if (rule.groupName === null) return [];
  const seen = new Set<string>();
  const out: KnownUser[] = [];
  for (const m of members.get(rule.groupName) ?? []) {
    if (rule.groupIssuer !== null && m.issuer !== rule.groupIssuer) continue;
    if (seen.has(m.personId)) continue;
    seen.add(m.personId);
    out.push({ email: m.email, subject: m.subject, lastLoginAt: m.lastLoginAt });
  }
  return out;
}

export function reviewed(
  rule: RuleRow,
  members: Map<string, KnownIdentity[]>,
  now: Date,
): ReviewedRule {
  const subject = subjectOf(rule);
  return {
    id: rule.id,
    subjectKind: subject.kind,
    subject: subject.text,
    expiresAt: rule.expiresAt,
    isExpired: rule.expiresAt !== null && rule.expiresAt <= now,
    allowConsole: rule.allowConsole,
    allowCli: rule.allowCli,
    requireMfa: rule.requireMfa,
    maxSessionDurationSeconds: rule.maxSessionDurationSeconds,
    hasSessionPolicy: rule.sessionPolicy !== null,
    description: rule.description,
    access: rule.kind === "eligible" ? "eligible" : "standing",
    approvers:
      rule.kind === "eligible"
        ? describeApprovers(parseApprovers(rule.approversJson ?? "[]"))
        : null,
    members: membersOf(rule, members),
  };
}

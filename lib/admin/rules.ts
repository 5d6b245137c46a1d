import "server-only";
import { writeAuditEvent, type AuditActor } from "@/lib/audit/write-audit-event";
import type { Db } from "@/lib/db/client";
import type { RequestMeta } from "@/lib/request-meta";
import { personIdentitiesSelect } from "@/lib/people/person-label";
import { conflict, invalid, notFound, type AdminResult } from "./admin-result";
import { ruleAuditView, ruleSubjectOf, ruleView } from "./rule-view";
import { approversJsonOf, checkGroupIssuer, resolvePerson } from "./rule-subjects";
import {
  DEFAULT_ELIGIBLE_SETTINGS,
  eligibleSettingsOf,
  parseRule,
  type RuleInput,
  type RuleValues,
} from "./rule-input";

const ruleInclude = { person: personIdentitiesSelect } as const;

type RuleIds = { accountDbId: string; roleId: string; ruleId: string };

/** The rule only if it belongs to that role of that account (ids from a URL are checked together). */
const ruleOfRole = (ids: RuleIds) => ({
  id: ids.ruleId,
  roleId: ids.roleId,
  role: { awsAccountId: ids.accountDbId },
});

/** The rule with its role and account, for a change and its audit event, or null. */
function findRuleInRole(tx: Pick<Db, "accessRule">, ids: RuleIds) {
  return tx.accessRule.findFirst({
    where: ruleOfRole(ids),
    include: { ...ruleInclude, role: { include: { awsAccount: true } } },
  });
}

/** A rule of the given role of the given account, with both, or null. */
export async function findRuleForAdmin(db: Db, ids: RuleIds) {
  const row = await db.accessRule.findFirst({ where: ruleOfRole(ids), include: ruleInclude });
  if (!row) return null;
  return { id: row.id, ...ruleView(row), expiresAtDate: row.expiresAt, updatedBy: row.updatedBy };
}

function dataOf(values: RuleValues, personId: string | null, approversJson: string) {
  return {
    kind: values.eligible ? "eligible" : "standing",
    approversJson,
    ...(values.eligible ? eligibleSettingsOf(values.eligible) : DEFAULT_ELIGIBLE_SETTINGS),
    groupName: values.groupName,
    groupIssuer: values.groupIssuer,
    personId,
    maxSessionDurationSeconds: values.maxSessionDurationSeconds,
    allowConsole: values.allowConsole,
    allowCli: values.allowCli,
    expiresAt: values.expiresAt,
    requireMfa: values.requireMfa,
    sessionPolicy: values.sessionPolicy,
    description: values.description,
  };
}

function warningsFor(values: RuleValues, roleMax: number): string[] {
  return values.maxSessionDurationSeconds > roleMax
    ? [
        `This rule allows ${values.maxSessionDurationSeconds} s, but the role's maximum is ${roleMax} s: sessions are capped at ${roleMax} s.`,
      ]
    : [];
}

function actorLabel(actor: AuditActor): string {
  return actor.email ?? actor.subject ?? actor.userId ?? "unknown";
}

/**
 * Grants a group or a user the use of a role. The rule and its audit event are one transaction.
 * `now` decides whether an expiry is in the future. The caller has checked admin.
 */
export async function createRule(
  db: Db,
  ids: { accountDbId: string; roleId: string },
  raw: RuleInput,
  actor: AuditActor,
  meta: RequestMeta,
  now: Date,
): Promise<AdminResult> {
  const parsed = parseRule(raw, { now });
  if (!parsed.ok) return invalid(parsed.errors);
  const values = parsed.values;
  return db.$transaction(async (tx) => {
    const role = await tx.role.findFirst({
      where: { id: ids.roleId, awsAccountId: ids.accountDbId },
      include: { awsAccount: { select: { accountId: true } } },
    });
    if (!role) return notFound("role");
    const issuer = await checkGroupIssuer(tx, values);
    if (!issuer.ok) return invalid(issuer.errors);
    let personId: string | null = null;
    if (values.userEmail !== null) {
      const person = await resolvePerson(tx, values.userEmail);
      if (!person.ok) return invalid(person.errors);
      personId = person.personId;
    }
    const approvers = await approversJsonOf(tx, values, personId);
    if (!approvers.ok) return invalid(approvers.errors);
    const row = await tx.accessRule.create({
      data: {
        ...dataOf(values, personId, approvers.json),
        roleId: role.id,
        createdBy: actorLabel(actor),
        updatedBy: actorLabel(actor),
      },
      include: ruleInclude,
    });
    await writeAuditEvent(tx, {
      action: "admin.rule.created",
      outcome: "success",
      actor,
      meta,
      target: { awsAccountId: role.awsAccount.accountId, roleArn: role.arn },
      details: {
        rule: row.id,
        grants: ruleSubjectOf(row),
        before: null,
        after: ruleAuditView(row),
      },
    });
    return {
      ok: true,
      id: row.id,
      version: row.version,
      warnings: warningsFor(values, role.maxSessionDurationSeconds),
    };
  });
}

/**
 * Edits a rule if it is still at `version`. The version check is in the UPDATE itself, so of two
 * concurrent edits from the same version exactly one is applied and the other is told.
 */
export async function updateRule(
  db: Db,
  ids: { accountDbId: string; roleId: string; ruleId: string },
  version: number,
  raw: RuleInput,
  actor: AuditActor,
  meta: RequestMeta,
  now: Date,
): Promise<AdminResult> {
  return db.$transaction(async (tx) => {
    const before = await findRuleInRole(tx, ids);
    if (!before) return notFound("rule");
    const parsed = parseRule(raw, { now, previousExpiresAt: before.expiresAt });
    if (!parsed.ok) return invalid(parsed.errors);
    const values = parsed.values;
    if (before.version !== version) return conflict("rule");
    const issuer = await checkGroupIssuer(tx, values);
    if (!issuer.ok) return invalid(issuer.errors);
    let personId: string | null = null;
    if (values.userEmail !== null) {
      const person = await resolvePerson(tx, values.userEmail);
      if (!person.ok) return invalid(person.errors);
      personId = person.personId;
    }
    const approvers = await approversJsonOf(tx, values, personId);
    if (!approvers.ok) return invalid(approvers.errors);
    const { count } = await tx.accessRule.updateMany({
      where: { id: ids.ruleId, version },
      data: {
        ...dataOf(values, personId, approvers.json),
        updatedBy: actorLabel(actor),
        version: { increment: 1 },
      },
    });
    if (count === 0) return conflict("rule");
    const after = await tx.accessRule.findUniqueOrThrow({
      where: { id: ids.ruleId },
      include: ruleInclude,
    });
    await writeAuditEvent(tx, {
      action: "admin.rule.updated",
      outcome: "success",
      actor,
      meta,
      target: { awsAccountId: before.role.awsAccount.accountId, roleArn: before.role.arn },
      details: {
        rule: after.id,
        grants: ruleSubjectOf(after),
        before: ruleAuditView(before),
        after: ruleAuditView(after),
      },
    });
    return {
      ok: true,
      id: after.id,
      version: after.version,
      warnings: warningsFor(values, before.role.maxSessionDurationSeconds),
    };
  });
}

/** Deletes a rule if it is still at `version`, audited with what it granted. */
export async function deleteRule(
  db: Db,
  ids: { accountDbId: string; roleId: string; ruleId: string },
  version: number,
  actor: AuditActor,
  meta: RequestMeta,
): Promise<AdminResult> {
  return db.$transaction(async (tx) => {
    const before = await findRuleInRole(tx, ids);
    if (!before) return notFound("rule");
    const { count } = await tx.accessRule.deleteMany({ where: { id: ids.ruleId, version } });
    if (count === 0) return conflict("rule");
    await writeAuditEvent(tx, {
      action: "admin.rule.deleted",
      outcome: "success",
      actor,
      meta,
      target: { awsAccountId: before.role.awsAccount.accountId, roleArn: before.role.arn },
      details: {
        rule: before.id,
        grants: ruleSubjectOf(before),
        before: ruleAuditView(before),
        after: null,
      },
    });
    return { ok: true, id: before.id, version, warnings: [] };
  });
}

import "server-only";
import { getConfig } from "@/lib/config";
import { writeAuditEvent, type AuditActor } from "@/lib/audit/write-audit-event";
import { personIdentitiesSelect } from "@/lib/people/person-label";
import { requestCountsByRole, NO_REQUESTS } from "@/lib/access-requests/deleted-with-role";
import type { Db } from "@/lib/db/client";
import { isUniqueViolation } from "@/lib/db/errors";
import { serializableTransaction } from "@/lib/db/serializable-transaction";
import type { RequestMeta } from "@/lib/request-meta";
import { ruleAuditView, ruleSubjectOf, ruleView } from "./rule-view";
import { conflict, invalid, notFound, type AdminResult } from "./admin-result";
import {
  defaultRoleArn,
  externalIdFingerprint,
  parseRole,
  type RoleInput,
  type RoleValues,
} from "./role-input";

type RoleRow = RoleValues & { version: number };

/** A role as the audit log records it: the ExternalId only as a fingerprint. */
function roleAuditView(row: RoleRow) {
  return {
    name: row.name,
    arn: row.arn,
    description: row.description,
    maxSessionDurationSeconds: row.maxSessionDurationSeconds,
    assumeMethod: row.assumeMethod,
    samlProviderArn: row.samlProviderArn,
    externalId: externalIdFingerprint(row.externalId),
    requiresBrokerMfa: row.requiresBrokerMfa,
    version: row.version,
  };
}

function asRoleRow(row: {
  name: string;
  arn: string;
  description: string;
  maxSessionDurationSeconds: number;
  assumeMethod: string;
  samlProviderArn: string | null;
  externalId: string | null;
  requiresBrokerMfa: boolean;
  version: number;
}): RoleRow {
  return {
    ...row,
    assumeMethod: row.assumeMethod === "assume-role-with-saml" ? row.assumeMethod : "assume-role",
  };
}

/** Rules allowing more than the role's maximum are capped at issuance: say so after a save. */
function cappedWarning(ruleMaxima: number[], roleMax: number): string[] {
  const over = ruleMaxima.filter((s) => s > roleMax).length;
  return over === 0
    ? []
    : [
        `${over} rule${over === 1 ? " allows" : "s allow"} longer sessions than this role's maximum (${roleMax} s); ${over === 1 ? "it is" : "they are"} capped at ${roleMax} s.`,
      ];
}

/** A role of the given account with its account and rules, or null (also when in another account). */
export async function findRoleForAdmin(db: Db, accountDbId: string, roleId: string) {
  const row = await db.role.findFirst({
    where: { id: roleId, awsAccountId: accountDbId },
    include: {
      awsAccount: { select: { id: true, accountId: true, name: true, environment: true } },
      accessRules: {
        orderBy: { createdAt: "asc" },
        include: { person: personIdentitiesSelect },
      },
    },
  });
  if (!row) return null;
  return {
    id: row.id,
    account: row.awsAccount,
    ...asRoleRow(row),
    missingSince: row.missingSince,
    trustStatus: row.trustStatus,
    isDefaultArn:
      row.arn === defaultRoleArn(row.awsAccount.accountId, row.name, getConfig().aws.partition),
    rules: row.accessRules.map((rule) => ({
      id: rule.id,
      ...ruleView(rule),
      subject: ruleSubjectOf(rule),
      updatedAt: rule.updatedAt,
      updatedBy: rule.updatedBy,
    })),
  };
}

const DUPLICATE_ROLE = { name: "This account already has a role with this name (or this ARN)." };

/**
 * Another role of the account whose name equals `name` ignoring case, or null. IAM role names are
 * unique in an account ignoring case (docs/AWS.md "Accounts and roles"), so such a name is the
 * same IAM role: a second Gatehouse role for it would split its rules, and at most one of the two
 * spellings is the role's real ARN. The database's unique index compares exactly, hence this check.
 */
async function sameNameIgnoringCase(
  tx: Pick<Db, "role">,
  accountDbId: string,
  name: string,
  exceptRoleId: string | null,
): Promise<{ name: string } | null> {
  const roles = await tx.role.findMany({
    where: { awsAccountId: accountDbId },
    select: { id: true, name: true },
  });
  const wanted = name.toLowerCase();
  return roles.find((r) => r.id !== exceptRoleId && r.name.toLowerCase() === wanted) ?? null;
}

function duplicateNameOf(existing: { name: string }) {
  return {
    name: `This account already has a role named ${existing.name}: IAM role names are unique ignoring case, so it is the same role.`,
  };
}

/** Adds a role to an account, audited in the same transaction. The caller has checked admin. */
export async function createRole(
  db: Db,
  accountDbId: string,
  raw: RoleInput,
  actor: AuditActor,
  meta: RequestMeta,
): Promise<AdminResult> {
  try {
    return await db.$transaction(async (tx) => {
      const account = await tx.awsAccount.findUnique({ where: { id: accountDbId } });
      if (!account) return notFound("account");
      const parsed = parseRole(raw, account.accountId, getConfig().aws.partition);
      if (!parsed.ok) return invalid(parsed.errors);
      const existing = await sameNameIgnoringCase(tx, account.id, parsed.values.name, null);
      if (existing) return invalid(duplicateNameOf(existing));
      const row = await tx.role.create({
        data: { ...parsed.values, awsAccountId: account.id },
      });
      await writeAuditEvent(tx, {
        action: "admin.role.created",
        outcome: "success",
        actor,
        meta,
        target: { awsAccountId: account.accountId, roleArn: row.arn },
        details: {
          role: row.arn,
          before: null,
          after: roleAuditView(asRoleRow(row)),
        },
      });
      return { ok: true, id: row.id, version: row.version, warnings: [] };
    });
  } catch (error) {
    if (isUniqueViolation(error)) return invalid(DUPLICATE_ROLE);
    throw error;
  }
}

/** Edits a role if it is still at `version`; a stale form is told, never applied. */
export async function updateRole(
  db: Db,
  accountDbId: string,
  roleId: string,
  version: number,
  raw: RoleInput,
  actor: AuditActor,
  meta: RequestMeta,
): Promise<AdminResult> {
  try {
    return await db.$transaction(async (tx) => {
      const before = await tx.role.findFirst({
        where: { id: roleId, awsAccountId: accountDbId },
        include: { awsAccount: true, accessRules: { select: { maxSessionDurationSeconds: true } } },
      });
      if (!before) return notFound("role");
      const parsed = parseRole(raw, before.awsAccount.accountId, getConfig().aws.partition);
      if (!parsed.ok) return invalid(parsed.errors);
      if (before.version !== version) return conflict("role");
      const existing = await sameNameIgnoringCase(tx, accountDbId, parsed.values.name, roleId);
      if (existing) return invalid(duplicateNameOf(existing));
      const { count } = await tx.role.updateMany({
        where: { id: roleId, version },
        data: { ...parsed.values, version: { increment: 1 } },
      });
      if (count === 0) return conflict("role");
      const after = await tx.role.findUniqueOrThrow({ where: { id: roleId } });
      await writeAuditEvent(tx, {
        action: "admin.role.updated",
        outcome: "success",
        actor,
        meta,
        target: { awsAccountId: before.awsAccount.accountId, roleArn: after.arn },
        details: {
          role: after.arn,
          before: roleAuditView(asRoleRow(before)),
          after: roleAuditView(asRoleRow(after)),
        },
      });
      return {
        ok: true,
        id: roleId,
        version: after.version,
        warnings: cappedWarning(
          before.accessRules.map((r) => r.maxSessionDurationSeconds),
          after.maxSessionDurationSeconds,
        ),
      };
    });
  } catch (error) {
    if (isUniqueViolation(error)) return invalid(DUPLICATE_ROLE);
    throw error;
  }
}

/** The access requests deleting this role would take with it (pending, approved not yet ended). */
export async function requestsDeletedWithRole(
  db: Pick<Db, "accessRequest">,
  roleId: string,
  now: Date,
) {
  return (await requestCountsByRole(db, now, { roleId })).get(roleId) ?? NO_REQUESTS;
}

/**
 * Deletes a role, its rules and (the schema cascades) its access requests in one transaction with
 * one audit event listing the rules and counting the requests. Refused unless `confirmation` is the
 * role's name and the role is still at `version`. The requests are counted in the deleting
 * transaction, not taken from the form, so one filed after the review is counted too; serializable,
 * so one filed between the count and the delete makes PostgreSQL rerun it all (SQLite runs one
 * transaction at a time).
 */
export async function deleteRole(
  db: Db,
  accountDbId: string,
  roleId: string,
  version: number,
  confirmation: string,
  actor: AuditActor,
  meta: RequestMeta,
  now: Date,
): Promise<AdminResult> {
  return serializableTransaction(db, async (tx) => {
    const before = await tx.role.findFirst({
      where: { id: roleId, awsAccountId: accountDbId },
      include: {
        awsAccount: { select: { accountId: true, name: true } },
        accessRules: {
          orderBy: { createdAt: "asc" },
          include: { person: personIdentitiesSelect },
        },
      },
    });
    if (!before) return notFound("role");
    if (confirmation.trim() !== before.name)
      return invalid({ confirmation: `Type the role name ${before.name} to confirm.` });
    const accessRequests = await requestsDeletedWithRole(tx, roleId, now);
    const { count } = await tx.role.deleteMany({ where: { id: roleId, version } });
    if (count === 0) return conflict("role");
    await writeAuditEvent(tx, {
      action: "admin.role.deleted",
      outcome: "success",
      actor,
      meta,
      target: { awsAccountId: before.awsAccount.accountId, roleArn: before.arn },
      details: {
        role: before.arn,
        removed: { rules: before.accessRules.length, accessRequests },
        before: {
          ...roleAuditView(asRoleRow(before)),
          rules: before.accessRules.map((rule) => ({ id: rule.id, ...ruleAuditView(rule) })),
        },
        after: null,
      },
    });
    return { ok: true, id: roleId, version, warnings: [] };
  });
}

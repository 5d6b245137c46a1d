import "server-only";
import { writeAuditEvent, type AuditActor } from "@/lib/audit/write-audit-event";
import { personIdentitiesSelect } from "@/lib/people/person-label";
import {
  NO_REQUESTS,
  requestCountsByRole,
  sumOfRequests,
} from "@/lib/access-requests/deleted-with-role";
import type { Db } from "@/lib/db/client";
import { isUniqueViolation } from "@/lib/db/errors";
import { serializableTransaction } from "@/lib/db/serializable-transaction";
import type { RequestMeta } from "@/lib/request-meta";
import { ruleSubjectOf } from "./rule-view";
import { conflict, fieldErrorsOf, invalid, notFound, type AdminResult } from "./admin-result";
import { accountInput, type AccountInput } from "./account-input";

/** An account as the admin pages and the audit log show it (never the raw row). */
function accountView(row: {
  accountId: string;
  name: string;
  alias: string;
  environment: string;
  description: string;
  version: number;
}) {
  return {
    accountId: row.accountId,
    name: row.name,
    alias: row.alias,
    environment: row.environment,
    description: row.description,
    version: row.version,
  };
}

export async function findAccountsForAdmin(db: Db) {
  const rows = await db.awsAccount.findMany({
    orderBy: [{ name: "asc" }, { accountId: "asc" }],
    include: {
      roles: {
        select: {
          missingSince: true,
          trustStatus: true,
          _count: { select: { accessRules: true } },
        },
      },
    },
  });
  return rows.map((r) => ({
    id: r.id,
    ...accountView(r),
    organizationStatus: r.organizationStatus,
    roleCount: r.roles.length,
    ruleCount: r.roles.reduce((n, role) => n + role._count.accessRules, 0),
    /** Roles discovery found gone from AWS: their rules grant nothing. */
    goneRoleCount: r.roles.filter((role) => role.missingSince !== null).length,
    /** Roles whose trust policy lets the portal assume them neither as broker nor with SAML. */
    untrustedRoleCount: r.roles.filter((role) => role.trustStatus === "untrusted").length,
  }));
}

/** One account with its roles (and how many rules each has), or null. */
export async function findAccountForAdmin(db: Db, id: string) {
  const row = await db.awsAccount.findUnique({
    where: { id },
    include: {
      roles: {
        orderBy: { name: "asc" },
        include: { _count: { select: { accessRules: true } } },
      },
    },
  });
  if (!row) return null;
  return {
    id: row.id,
    ...accountView(row),
    organizationStatus: row.organizationStatus,
    organizationPath: row.organizationPath,
    roles: row.roles.map((role) => ({
      id: role.id,
      name: role.name,
      arn: role.arn,
      description: role.description,
      assumeMethod: role.assumeMethod,
      maxSessionDurationSeconds: role.maxSessionDurationSeconds,
      ruleCount: role._count.accessRules,
      missingSince: role.missingSince,
      trustStatus: role.trustStatus,
    })),
  };
}

/**
 * Names and aliases cannot collide: a duplicate is refused by field. Names compare ignoring case,
 * as the CLI and console deep links find an account by name (docs/AWS.md "Accounts and roles");
 * aliases are stored in lower case already.
 */
async function duplicateErrors(
  tx: Pick<Db, "awsAccount">,
  values: { name: string; alias: string },
  exceptId: string | null,
): Promise<Record<string, string>> {
  const errors: Record<string, string> = {};
  const notSelf = exceptId ? { id: { not: exceptId } } : {};
  const name = values.name.toLowerCase();
  const names = await tx.awsAccount.findMany({ where: notSelf, select: { name: true } });
  const taken = names.find((other) => other.name.toLowerCase() === name);
  if (taken)
    errors.name =
      taken.name === values.name
        ? "Another account already has this name."
        : `Another account already has this name, as ${taken.name}.`;
  if (
    values.alias !== "" &&
    (await tx.awsAccount.findFirst({ where: { alias: values.alias, ...notSelf } }))
  )
    errors.alias = "Another account already has this alias.";
  return errors;
}

/**
 * Adds an AWS account. The row and its audit event (before: null) are one transaction (docs/INVARIANTS.md
 * invariant 2), so a failed audit write leaves no account behind. The caller has checked admin.
 */
export async function createAccount(
  db: Db,
  raw: AccountInput,
  actor: AuditActor,
  meta: RequestMeta,
): Promise<AdminResult> {
  const parsed = accountInput.safeParse(raw);
  if (!parsed.success) return invalid(fieldErrorsOf(parsed.error));
  const values = parsed.data;
  try {
    return await db.$transaction(async (tx) => {
      const duplicates = await duplicateErrors(tx, values, null);
      if (Object.keys(duplicates).length > 0) return invalid(duplicates);
      const row = await tx.awsAccount.create({ data: values });
      await writeAuditEvent(tx, {
        action: "admin.account.created",
        outcome: "success",
        actor,
        meta,
        target: { awsAccountId: row.accountId },
        details: {
          account: `${row.name} (${row.accountId})`,
          before: null,
          after: accountView(row),
        },
      });
      return { ok: true, id: row.id, version: row.version, warnings: [] };
    });
  } catch (error) {
    if (isUniqueViolation(error))
      return invalid({ accountId: "This AWS account is already in Gatehouse." });
    throw error;
  }
}

/**
 * Edits an account if it is still at `version` (optimistic concurrency: a stale form never
 * overwrites someone else's change). The 12-digit id is fixed: its roles' ARNs name it.
 */
export async function updateAccount(
  db: Db,
  id: string,
  version: number,
  raw: Omit<AccountInput, "accountId">,
  actor: AuditActor,
  meta: RequestMeta,
): Promise<AdminResult> {
  return db.$transaction(async (tx) => {
    const before = await tx.awsAccount.findUnique({ where: { id } });
    if (!before) return notFound("account");
    const parsed = accountInput.safeParse({ ...raw, accountId: before.accountId });
    if (!parsed.success) return invalid(fieldErrorsOf(parsed.error));
    const values = {
      name: parsed.data.name,
      alias: parsed.data.alias,
      environment: parsed.data.environment,
      description: parsed.data.description,
    };
    if (before.version !== version) return conflict("account");
    const duplicates = await duplicateErrors(tx, values, id);
    if (Object.keys(duplicates).length > 0) return invalid(duplicates);
    const { count } = await tx.awsAccount.updateMany({
      where: { id, version },
      data: { ...values, version: { increment: 1 } },
    });
    if (count === 0) return conflict("account");
    const after = await tx.awsAccount.findUniqueOrThrow({ where: { id } });
    await writeAuditEvent(tx, {
      action: "admin.account.updated",
      outcome: "success",
      actor,
      meta,
      target: { awsAccountId: after.accountId },
      details: {
        account: `${after.name} (${after.accountId})`,
        before: accountView(before),
        after: accountView(after),
      },
    });
    return { ok: true, id, version: after.version, warnings: [] };
  });
}

/**
 * Everything deleting an account takes with it: its roles and their rules, by name, and each role's
 * access requests (counted as of `now`: the pending ones and the approved ones not yet ended).
 */
export async function describeAccountDeletion(
  db: Pick<Db, "awsAccount" | "accessRequest">,
  id: string,
  now: Date,
) {
  const row = await db.awsAccount.findUnique({
    where: { id },
    include: {
      roles: {
        orderBy: { name: "asc" },
        include: {
          accessRules: {
            orderBy: { createdAt: "asc" },
            include: { person: personIdentitiesSelect },
          },
        },
      },
    },
  });
  if (!row) return null;
  const requests = await requestCountsByRole(db, now, { role: { awsAccountId: id } });
  const roles = row.roles.map((role) => ({
    name: role.name,
    arn: role.arn,
    rules: role.accessRules.map((rule) => ({ id: rule.id, subject: ruleSubjectOf(rule) })),
    accessRequests: requests.get(role.id) ?? NO_REQUESTS,
  }));
  return {
    id: row.id,
    ...accountView(row),
    roles,
    accessRequests: sumOfRequests(roles.map((r) => r.accessRequests)),
  };
}

/**
 * Deletes an account, its roles, their rules and (the schema cascades) their access requests in one
 * transaction with one audit event that lists what went and counts the requests. Refused unless
 * `confirmation` is the 12-digit account id and the account is still at `version` (what the admin
 * reviewed is what is deleted). The requests are counted in the deleting transaction, so one filed
 * after the review is counted too; serializable, so one filed between the count and the delete
 * makes PostgreSQL rerun it all (SQLite runs one transaction at a time).
 */
export async function deleteAccount(
  db: Db,
  id: string,
  version: number,
  confirmation: string,
  actor: AuditActor,
  meta: RequestMeta,
  now: Date,
): Promise<AdminResult> {
  return serializableTransaction(db, async (tx) => {
    const before = await describeAccountDeletion(tx, id, now);
    if (!before) return notFound("account");
    if (confirmation.trim() !== before.accountId)
      return invalid({
        confirmation: `Type the account id ${before.accountId} to confirm.`,
      });
    const { count } = await tx.awsAccount.deleteMany({ where: { id, version } });
    if (count === 0) return conflict("account");
    const ruleCount = before.roles.reduce((n, r) => n + r.rules.length, 0);
    await writeAuditEvent(tx, {
      action: "admin.account.deleted",
      outcome: "success",
      actor,
      meta,
      target: { awsAccountId: before.accountId },
      details: {
        account: `${before.name} (${before.accountId})`,
        removed: {
          roles: before.roles.length,
          rules: ruleCount,
          accessRequests: before.accessRequests,
        },
        before: { ...before, id: undefined, accessRequests: undefined },
        after: null,
      },
    });
    return { ok: true, id, version, warnings: [] };
  });
}

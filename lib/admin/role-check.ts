import "server-only";
import { writeAuditEvent, type AuditActor } from "@/lib/audit/write-audit-event";
import { checkRole, type CheckIdentity, type RoleCheckReport } from "@/lib/aws/role-doctor";
import type { StsBroker } from "@/lib/aws/sts-broker-api";
import type { AppConfig } from "@/lib/config";
import type { Db } from "@/lib/db/client";
import type { RequestMeta } from "@/lib/request-meta";

/** A role as the "Check a role" picker lists it. */
export interface CheckableRole {
  id: string;
  label: string;
  arn: string;
}

/** Every role, by account and name, for the picker. */
export async function findCheckableRoles(db: Db): Promise<CheckableRole[]> {
  const roles = await db.role.findMany({
    select: {
      id: true,
      name: true,
      arn: true,
      awsAccount: { select: { name: true, accountId: true } },
    },
    orderBy: [{ awsAccount: { name: "asc" } }, { name: "asc" }],
  });
  return roles.map((r) => ({
    id: r.id,
    label: `${r.awsAccount.name} (${r.awsAccount.accountId}) / ${r.name}`,
    arn: r.arn,
  }));
}

/**
 * Finds a role by `<account>/<role>` — the account by id, name or alias, the role by name — as the
 * operator's `npm run doctor` names it. Null when there is none; a list when the account name is
 * ambiguous (say the id instead).
 */
export async function findRoleByPath(
  db: Db,
  path: string,
): Promise<{ id: string } | null | { ambiguous: string[] }> {
  const at = path.lastIndexOf("/");
  if (at <= 0 || at === path.length - 1) return null;
  const account = path.slice(0, at).trim();
  const name = path.slice(at + 1).trim();
  const roles = await db.role.findMany({
    where: {
      name,
      awsAccount: {
        OR: [{ accountId: account }, { name: account }, { alias: account.toLowerCase() }],
      },
    },
    select: { id: true, arn: true },
  });
  if (roles.length === 0) return null;
  if (roles.length > 1) return { ambiguous: roles.map((r) => r.arn) };
  return { id: roles[0]!.id };
}

/**
 * Checks a role the way an issuance would (lib/aws/role-doctor.ts) and records the check and its
 * verdict in the audit log. Null when the role does not exist. The caller has checked admin.
 */
export async function runRoleCheck(
  deps: { db: Db; broker: StsBroker; config: AppConfig },
  roleId: string,
  who: { identity: CheckIdentity; actor: AuditActor; meta: RequestMeta; via: "portal" | "cli" },
): Promise<RoleCheckReport | null> {
  const role = await deps.db.role.findUnique({
    where: { id: roleId },
    include: {
      awsAccount: { select: { accountId: true } },
      accessRules: { select: { maxSessionDurationSeconds: true, sessionPolicy: true } },
    },
  });
  if (!role) return null;
  const report = await checkRole(
    {
      arn: role.arn,
      accountId: role.awsAccount.accountId,
      name: role.name,
      assumeMethod: role.assumeMethod,
      samlProviderArn: role.samlProviderArn,
      externalId: role.externalId,
      requiresBrokerMfa: role.requiresBrokerMfa,
      maxSessionDurationSeconds: role.maxSessionDurationSeconds,
      rules: role.accessRules,
    },
    who.identity,
    deps,
  );
  await writeAuditEvent(deps.db, {
    action: "admin.role.checked",
    outcome: report.ok ? "success" : "error",
    actor: who.actor,
    meta: who.meta,
    target: {
      awsAccountId: role.awsAccount.accountId,
      roleArn: role.arn,
      roleSessionName: who.identity.roleSessionName,
      sourceIdentity: who.identity.sourceIdentity,
    },
    details: {
      via: who.via,
      ok: report.ok,
      findings: report.findings
        .map((f) => `${f.check}: ${f.verdict}${f.awsErrorCode ? ` (${f.awsErrorCode})` : ""}`)
        .join("; "),
    },
  });
  return report;
}

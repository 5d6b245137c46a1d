"use server";

import { revalidatePath } from "next/cache";
import { redirect } from "next/navigation";
import { createRule, deleteRule, updateRule } from "@/lib/admin/rules";
import { isId, type RuleInput } from "@/lib/admin/validation";
import { getDb } from "@/lib/db/client";
import { actorOf } from "@/lib/issuance/issue-session";
import { ADMIN_ONLY_MESSAGE, checkPrivilegedAction } from "@/lib/auth/privilege-guard";
import { auditedChange } from "./audited-change";
import { formValues, formVersion, refused, stateOf, type AdminFormState } from "./form-state";

const FIELDS = [
  "accountDbId",
  "roleId",
  "subjectKind",
  "groupName",
  "userEmail",
  "maxSessionDurationSeconds",
  "allowConsole",
  "allowCli",
  "expiresAt",
  "requireMfa",
  "sessionPolicy",
  "description",
] as const;
const STALE_FORM = "This form is out of date or incomplete: reload the page and try again.";

function ruleInputOf(values: Record<string, string>): RuleInput {
  return {
    subjectKind: (values.subjectKind ?? "") as RuleInput["subjectKind"],
    groupName: values.groupName ?? "",
    userEmail: values.userEmail ?? "",
    maxSessionDurationSeconds: values.maxSessionDurationSeconds ?? "",
    allowConsole: values.allowConsole === "on",
    allowCli: values.allowCli === "on",
    expiresAt: values.expiresAt ?? "",
    requireMfa: values.requireMfa === "on",
    sessionPolicy: values.sessionPolicy ?? "",
    description: values.description ?? "",
  };
}

function rolePath(values: Record<string, string>): string {
  return `/admin/accounts/${values.accountDbId}/roles/${values.roleId}`;
}

// Every action checks for itself that the caller is a signed-in admin (DESIGN.md invariant 4).

export async function createRuleAction(
  _prev: AdminFormState,
  form: FormData,
): Promise<AdminFormState> {
  const values = formValues(form, FIELDS);
  const check = await checkPrivilegedAction("admin", "create rule");
  if (!check.allowed) return refused({}, ADMIN_ONLY_MESSAGE);
  const { accountDbId, roleId } = values;
  if (!isId(accountDbId) || !isId(roleId)) return refused(values, STALE_FORM);
  const result = await auditedChange(() =>
    createRule(
      getDb(),
      { accountDbId, roleId },
      ruleInputOf(values),
      actorOf(check.user),
      check.meta,
      new Date(),
    ),
  );
  if (!result.ok) return stateOf(result, values, "");
  revalidatePath("/admin/accounts", "layout");
  redirect(`${rolePath(values)}?notice=rule-created`);
}

export async function updateRuleAction(
  _prev: AdminFormState,
  form: FormData,
): Promise<AdminFormState> {
  const values = formValues(form, [...FIELDS, "id", "version"]);
  const check = await checkPrivilegedAction("admin", "update rule");
  if (!check.allowed) return refused({}, ADMIN_ONLY_MESSAGE);
  const version = formVersion(form);
  const { accountDbId, roleId, id } = values;
  if (!isId(accountDbId) || !isId(roleId) || !isId(id) || version === null)
    return refused(values, STALE_FORM);
  const result = await auditedChange(() =>
    updateRule(
      getDb(),
      { accountDbId, roleId, ruleId: id },
      version,
      ruleInputOf(values),
      actorOf(check.user),
      check.meta,
      new Date(),
    ),
  );
  if (result.ok) revalidatePath("/admin/accounts", "layout");
  return stateOf(result, values, "Saved.");
}

export async function deleteRuleAction(
  _prev: AdminFormState,
  form: FormData,
): Promise<AdminFormState> {
  const values = formValues(form, ["accountDbId", "roleId", "id", "version"]);
  const check = await checkPrivilegedAction("admin", "delete rule");
  if (!check.allowed) return refused({}, ADMIN_ONLY_MESSAGE);
  const version = formVersion(form);
  const { accountDbId, roleId, id } = values;
  if (!isId(accountDbId) || !isId(roleId) || !isId(id) || version === null)
    return refused(values, STALE_FORM);
  const result = await auditedChange(() =>
    deleteRule(
      getDb(),
      { accountDbId, roleId, ruleId: id },
      version,
      actorOf(check.user),
      check.meta,
    ),
  );
  if (!result.ok) return stateOf(result, values, "");
  revalidatePath("/admin/accounts", "layout");
  redirect(`${rolePath(values)}?notice=rule-deleted`);
}

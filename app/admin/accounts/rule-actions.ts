"use server";

import { currentTime } from "@/lib/clock";
import { revalidatePath } from "next/cache";
import { redirect } from "next/navigation";
import { createRule, deleteRule, updateRule } from "@/lib/admin/rules";
import { isId } from "@/lib/admin/database-id";
import type { RuleInput } from "@/lib/admin/rule-input";
import { getDb } from "@/lib/db/client";
import { editTarget, readAdminSubmission, STALE_FORM } from "./admin-submission";
import { auditedChange } from "./audited-change";
import { refused, stateOf, type AdminFormState } from "./form-state";
import { actionForm } from "@/lib/http/action-form";

const FIELDS = [
  "accountDbId",
  "roleId",
  "subjectKind",
  "groupName",
  "groupIssuer",
  "userEmail",
  "maxSessionDurationSeconds",
  "allowConsole",
  "allowCli",
  "expiresAt",
  "requireMfa",
  "sessionPolicy",
  "description",
  "access",
  "approvers",
  "approvalsRequired",
  "maxElevationSeconds",
  "requireReason",
  "requireTicket",
  "requireMfaToRequest",
  "requireMfaToApprove",
  "breakGlass",
  "webhookUrl",
] as const;
/** What names the rule in an edit or delete form. */
const RULE_IDS = ["accountDbId", "roleId", "id"] as const;

function ruleInputOf(values: Record<string, string>): RuleInput {
  return {
    subjectKind: values.subjectKind ?? "",
    groupName: values.groupName ?? "",
    groupIssuer: values.groupIssuer ?? "",
    userEmail: values.userEmail ?? "",
    maxSessionDurationSeconds: values.maxSessionDurationSeconds ?? "",
    allowConsole: values.allowConsole === "on",
    allowCli: values.allowCli === "on",
    expiresAt: values.expiresAt ?? "",
    requireMfa: values.requireMfa === "on",
    sessionPolicy: values.sessionPolicy ?? "",
    description: values.description ?? "",
    access: values.access === "eligible" ? "eligible" : "standing",
    approvers: values.approvers ?? "",
    approvalsRequired: values.approvalsRequired || 1,
    maxElevationSeconds: values.maxElevationSeconds || 3600,
    requireReason: values.requireReason === "on",
    requireTicket: values.requireTicket === "on",
    requireMfaToRequest: values.requireMfaToRequest === "on",
    requireMfaToApprove: values.requireMfaToApprove === "on",
    breakGlass: values.breakGlass === "on",
    webhookUrl: values.webhookUrl ?? "",
  };
}

function rolePath(values: Record<string, string>): string {
  return `/admin/accounts/${values.accountDbId}/roles/${values.roleId}`;
}

// Every action checks for itself that the caller is a signed-in admin (docs/INVARIANTS.md invariant 4).

export async function createRuleAction(
  _prev: AdminFormState,
  input: unknown,
): Promise<AdminFormState> {
  const form = actionForm(input);
  const submission = await readAdminSubmission(form, FIELDS, "create rule");
  if (!submission.ok) return submission.state;
  const { values, actor, meta } = submission;
  const { accountDbId, roleId } = values;
  if (!isId(accountDbId) || !isId(roleId)) return refused(values, STALE_FORM);
  const result = await auditedChange(() =>
    createRule(getDb(), { accountDbId, roleId }, ruleInputOf(values), actor, meta, currentTime()),
  );
  if (!result.ok) return stateOf(result, values, "");
  revalidatePath("/admin/accounts", "layout");
  redirect(`${rolePath(values)}?notice=rule-created`);
}

export async function updateRuleAction(
  _prev: AdminFormState,
  input: unknown,
): Promise<AdminFormState> {
  const form = actionForm(input);
  const submission = await readAdminSubmission(form, [...FIELDS, "id", "version"], "update rule");
  if (!submission.ok) return submission.state;
  const { values, actor, meta } = submission;
  const target = editTarget(values, form, RULE_IDS);
  if (!target) return refused(values, STALE_FORM);
  const { accountDbId, roleId, id: ruleId, version } = target;
  const result = await auditedChange(() =>
    updateRule(
      getDb(),
      { accountDbId, roleId, ruleId },
      version,
      ruleInputOf(values),
      actor,
      meta,
      currentTime(),
    ),
  );
  if (result.ok) revalidatePath("/admin/accounts", "layout");
  return stateOf(result, values, "Saved.");
}

export async function deleteRuleAction(
  _prev: AdminFormState,
  input: unknown,
): Promise<AdminFormState> {
  const form = actionForm(input);
  const submission = await readAdminSubmission(form, [...RULE_IDS, "version"], "delete rule");
  if (!submission.ok) return submission.state;
  const { values, actor, meta } = submission;
  const target = editTarget(values, form, RULE_IDS);
  if (!target) return refused(values, STALE_FORM);
  const { accountDbId, roleId, id: ruleId, version } = target;
  const result = await auditedChange(() =>
    deleteRule(getDb(), { accountDbId, roleId, ruleId }, version, actor, meta),
  );
  if (!result.ok) return stateOf(result, values, "");
  revalidatePath("/admin/accounts", "layout");
  redirect(`${rolePath(values)}?notice=rule-deleted`);
}

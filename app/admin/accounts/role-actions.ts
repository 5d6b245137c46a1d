"use server";

import { revalidatePath } from "next/cache";
import { redirect } from "next/navigation";
import { createRole, deleteRole, updateRole } from "@/lib/admin/roles";
import { isId } from "@/lib/admin/database-id";
import { ROLE_DETAIL_FIELDS, type RoleInput } from "@/lib/admin/role-input";
import { currentTime } from "@/lib/clock";
import { getDb } from "@/lib/db/client";
import { editTarget, readAdminSubmission, STALE_FORM } from "./admin-submission";
import { auditedChange } from "./audited-change";
import { refused, stateOf, type AdminFormState } from "./form-state";
import { actionForm } from "@/lib/http/action-form";

const FIELDS = ["accountDbId", ...ROLE_DETAIL_FIELDS, "externalId", "requiresBrokerMfa"] as const;
/** What names the role in an edit or delete form. */
const ROLE_IDS = ["accountDbId", "id"] as const;

function roleInputOf(values: Record<string, string>): RoleInput {
  return {
    name: values.name ?? "",
    arn: values.arn ?? "",
    description: values.description ?? "",
    maxSessionDurationSeconds: values.maxSessionDurationSeconds ?? "",
    assumeMethod: values.assumeMethod ?? "",
    samlProviderArn: values.samlProviderArn ?? "",
    externalId: values.externalId ?? "",
    requiresBrokerMfa: values.requiresBrokerMfa === "on",
  };
}

// Every action checks for itself that the caller is a signed-in admin (docs/INVARIANTS.md invariant 4).

export async function createRoleAction(
  _prev: AdminFormState,
  input: unknown,
): Promise<AdminFormState> {
  const form = actionForm(input);
  const submission = await readAdminSubmission(form, FIELDS, "create role");
  if (!submission.ok) return submission.state;
  const { values, actor, meta } = submission;
  const accountDbId = values.accountDbId;
  if (!isId(accountDbId)) return refused(values, STALE_FORM);
  const result = await auditedChange(() =>
    createRole(getDb(), accountDbId, roleInputOf(values), actor, meta),
  );
  if (!result.ok) return stateOf(result, values, "");
  revalidatePath("/admin/accounts", "layout");
  redirect(`/admin/accounts/${accountDbId}/roles/${result.id}?notice=role-created`);
}

export async function updateRoleAction(
  _prev: AdminFormState,
  input: unknown,
): Promise<AdminFormState> {
  const form = actionForm(input);
  const submission = await readAdminSubmission(form, [...FIELDS, "id", "version"], "update role");
  if (!submission.ok) return submission.state;
  const { values, actor, meta } = submission;
  const target = editTarget(values, form, ROLE_IDS);
  if (!target) return refused(values, STALE_FORM);
  const { accountDbId, id, version } = target;
  const result = await auditedChange(() =>
    updateRole(getDb(), accountDbId, id, version, roleInputOf(values), actor, meta),
  );
  if (result.ok) revalidatePath("/admin/accounts", "layout");
  return stateOf(result, values, "Saved.");
}

export async function deleteRoleAction(
  _prev: AdminFormState,
  input: unknown,
): Promise<AdminFormState> {
  const form = actionForm(input);
  const submission = await readAdminSubmission(
    form,
    [...ROLE_IDS, "version", "confirmation"],
    "delete role",
  );
  if (!submission.ok) return submission.state;
  const { values, actor, meta } = submission;
  const target = editTarget(values, form, ROLE_IDS);
  if (!target) return refused(values, STALE_FORM);
  const { accountDbId, id, version } = target;
  const result = await auditedChange(() =>
    deleteRole(
      getDb(),
      accountDbId,
      id,
      version,
      values.confirmation ?? "",
      actor,
      meta,
      currentTime(),
    ),
  );
  if (!result.ok) return stateOf(result, values, "");
  revalidatePath("/admin/accounts", "layout");
  redirect(`/admin/accounts/${accountDbId}?notice=role-deleted`);
}

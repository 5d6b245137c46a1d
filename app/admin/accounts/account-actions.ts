"use server";

import { revalidatePath } from "next/cache";
import { redirect } from "next/navigation";
import { createAccount, deleteAccount, updateAccount } from "@/lib/admin/accounts";
import { currentTime } from "@/lib/clock";
import { getDb } from "@/lib/db/client";
import { editTarget, readAdminSubmission, STALE_FORM } from "./admin-submission";
import { auditedChange } from "./audited-change";
import { refused, stateOf, type AdminFormState } from "./form-state";
import { actionForm } from "@/lib/http/action-form";

const FIELDS = ["accountId", "name", "alias", "environment", "description"] as const;

/** The fields an admin may change once the account exists (its 12-digit id is fixed). */
function editableFieldsOf(values: Record<string, string>) {
  return {
    name: values.name ?? "",
    alias: values.alias ?? "",
    environment: values.environment ?? "",
    description: values.description ?? "",
  };
}

// Every action checks for itself that the caller is a signed-in admin (docs/INVARIANTS.md invariant 4).

export async function createAccountAction(
  _prev: AdminFormState,
  input: unknown,
): Promise<AdminFormState> {
  const form = actionForm(input);
  const submission = await readAdminSubmission(form, FIELDS, "create account");
  if (!submission.ok) return submission.state;
  const { values, actor, meta } = submission;
  const result = await auditedChange(() =>
    createAccount(
      getDb(),
      { accountId: values.accountId ?? "", ...editableFieldsOf(values) },
      actor,
      meta,
    ),
  );
  if (!result.ok) return stateOf(result, values, "");
  revalidatePath("/admin/accounts");
  redirect(`/admin/accounts/${result.id}?notice=account-created`);
}

export async function updateAccountAction(
  _prev: AdminFormState,
  input: unknown,
): Promise<AdminFormState> {
  const form = actionForm(input);
  const submission = await readAdminSubmission(
    form,
    [...FIELDS, "id", "version"],
    "update account",
  );
  if (!submission.ok) return submission.state;
  const { values, actor, meta } = submission;
  const target = editTarget(values, form, ["id"]);
  if (!target) return refused(values, STALE_FORM);
  const result = await auditedChange(() =>
    updateAccount(getDb(), target.id, target.version, editableFieldsOf(values), actor, meta),
  );
  if (result.ok) revalidatePath("/admin/accounts", "layout");
  return stateOf(result, values, "Saved.");
}

export async function deleteAccountAction(
  _prev: AdminFormState,
  input: unknown,
): Promise<AdminFormState> {
  const form = actionForm(input);
  const submission = await readAdminSubmission(
    form,
    ["id", "version", "confirmation"],
    "delete account",
  );
  if (!submission.ok) return submission.state;
  const { values, actor, meta } = submission;
  const target = editTarget(values, form, ["id"]);
  if (!target) return refused(values, STALE_FORM);
  const result = await auditedChange(() =>
    deleteAccount(
      getDb(),
      target.id,
      target.version,
      values.confirmation ?? "",
      actor,
      meta,
      currentTime(),
    ),
  );
  if (!result.ok) return stateOf(result, values, "");
  revalidatePath("/admin/accounts", "layout");
  redirect("/admin/accounts?notice=account-deleted");
}

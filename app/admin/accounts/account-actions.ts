"use server";

import { revalidatePath } from "next/cache";
import { redirect } from "next/navigation";
import { createAccount, deleteAccount, updateAccount } from "@/lib/admin/accounts";
import { isId } from "@/lib/admin/validation";
import { getDb } from "@/lib/db/client";
import { actorOf } from "@/lib/issuance/issue-session";
import { ADMIN_ONLY_MESSAGE, checkPrivilegedAction } from "@/lib/auth/privilege-guard";
import { auditedChange } from "./audited-change";
import { formValues, formVersion, refused, stateOf, type AdminFormState } from "./form-state";

const FIELDS = ["accountId", "name", "alias", "environment", "description"] as const;
const STALE_FORM = "This form is out of date or incomplete: reload the page and try again.";

// Every action checks for itself that the caller is a signed-in admin (DESIGN.md invariant 4).

export async function createAccountAction(
  _prev: AdminFormState,
  form: FormData,
): Promise<AdminFormState> {
  const values = formValues(form, FIELDS);
  const check = await checkPrivilegedAction("admin", "create account");
  if (!check.allowed) return refused({}, ADMIN_ONLY_MESSAGE);
  const result = await auditedChange(() =>
    createAccount(
      getDb(),
      {
        accountId: values.accountId ?? "",
        name: values.name ?? "",
        alias: values.alias ?? "",
        environment: values.environment ?? "",
        description: values.description ?? "",
      },
      actorOf(check.user),
      check.meta,
    ),
  );
  if (!result.ok) return stateOf(result, values, "");
  revalidatePath("/admin/accounts");
  redirect(`/admin/accounts/${result.id}?notice=account-created`);
}

export async function updateAccountAction(
  _prev: AdminFormState,
  form: FormData,
): Promise<AdminFormState> {
  const values = formValues(form, [...FIELDS, "id", "version"]);
  const check = await checkPrivilegedAction("admin", "update account");
  if (!check.allowed) return refused({}, ADMIN_ONLY_MESSAGE);
  const version = formVersion(form);
  const { id } = values;
  if (!isId(id) || version === null) return refused(values, STALE_FORM);
  const result = await auditedChange(() =>
    updateAccount(
      getDb(),
      id,
      version,
      {
        name: values.name ?? "",
        alias: values.alias ?? "",
        environment: values.environment ?? "",
        description: values.description ?? "",
      },
      actorOf(check.user),
      check.meta,
    ),
  );
  if (result.ok) revalidatePath("/admin/accounts", "layout");
  return stateOf(result, values, "Saved.");
}

export async function deleteAccountAction(
  _prev: AdminFormState,
  form: FormData,
): Promise<AdminFormState> {
  const values = formValues(form, ["id", "version", "confirmation"]);
  const check = await checkPrivilegedAction("admin", "delete account");
  if (!check.allowed) return refused({}, ADMIN_ONLY_MESSAGE);
  const version = formVersion(form);
  const { id } = values;
  if (!isId(id) || version === null) return refused(values, STALE_FORM);
  const result = await auditedChange(() =>
    deleteAccount(getDb(), id, version, values.confirmation ?? "", actorOf(check.user), check.meta),
  );
  if (!result.ok) return stateOf(result, values, "");
  revalidatePath("/admin/accounts", "layout");
  redirect("/admin/accounts?notice=account-deleted");
}

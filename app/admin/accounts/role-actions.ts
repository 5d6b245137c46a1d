"use server";

import { revalidatePath } from "next/cache";
import { redirect } from "next/navigation";
import { createRole, deleteRole, updateRole } from "@/lib/admin/roles";
import { isId, type RoleInput } from "@/lib/admin/validation";
import { getDb } from "@/lib/db/client";
import { actorOf } from "@/lib/issuance/issue-session";
import { ADMIN_ONLY_MESSAGE, checkPrivilegedAction } from "@/lib/auth/privilege-guard";
import { auditedChange } from "./audited-change";
import { formValues, formVersion, refused, stateOf, type AdminFormState } from "./form-state";

const FIELDS = [
  "accountDbId",
  "name",
  "arn",
  "description",
  "maxSessionDurationSeconds",
  "assumeMethod",
  "samlProviderArn",
  "externalId",
  "requiresBrokerMfa",
] as const;
const STALE_FORM = "This form is out of date or incomplete: reload the page and try again.";

function roleInputOf(values: Record<string, string>): RoleInput {
  return {
    name: values.name ?? "",
    arn: values.arn ?? "",
    description: values.description ?? "",
    maxSessionDurationSeconds: values.maxSessionDurationSeconds ?? "",
    assumeMethod: (values.assumeMethod ?? "") as RoleInput["assumeMethod"],
    samlProviderArn: values.samlProviderArn ?? "",
    externalId: values.externalId ?? "",
    requiresBrokerMfa: values.requiresBrokerMfa === "on",
  };
}

// Every action checks for itself that the caller is a signed-in admin (DESIGN.md invariant 4).

export async function createRoleAction(
  _prev: AdminFormState,
  form: FormData,
): Promise<AdminFormState> {
  const values = formValues(form, FIELDS);
  const check = await checkPrivilegedAction("admin", "create role");
  if (!check.allowed) return refused({}, ADMIN_ONLY_MESSAGE);
  const accountDbId = values.accountDbId;
  if (!isId(accountDbId)) return refused(values, STALE_FORM);
  const result = await auditedChange(() =>
    createRole(getDb(), accountDbId, roleInputOf(values), actorOf(check.user), check.meta),
  );
  if (!result.ok) return stateOf(result, values, "");
  revalidatePath("/admin/accounts", "layout");
  redirect(`/admin/accounts/${accountDbId}/roles/${result.id}?notice=role-created`);
}

export async function updateRoleAction(
  _prev: AdminFormState,
  form: FormData,
): Promise<AdminFormState> {
  const values = formValues(form, [...FIELDS, "id", "version"]);
  const check = await checkPrivilegedAction("admin", "update role");
  if (!check.allowed) return refused({}, ADMIN_ONLY_MESSAGE);
  const version = formVersion(form);
  const { accountDbId, id } = values;
  if (!isId(accountDbId) || !isId(id) || version === null) return refused(values, STALE_FORM);
  const result = await auditedChange(() =>
    updateRole(
      getDb(),
      accountDbId,
      id,
      version,
      roleInputOf(values),
      actorOf(check.user),
      check.meta,
    ),
  );
  if (result.ok) revalidatePath("/admin/accounts", "layout");
  return stateOf(result, values, "Saved.");
}

export async function deleteRoleAction(
  _prev: AdminFormState,
  form: FormData,
): Promise<AdminFormState> {
  const values = formValues(form, ["accountDbId", "id", "version", "confirmation"]);
  const check = await checkPrivilegedAction("admin", "delete role");
  if (!check.allowed) return refused({}, ADMIN_ONLY_MESSAGE);
  const version = formVersion(form);
  const { accountDbId, id } = values;
  if (!isId(accountDbId) || !isId(id) || version === null) return refused(values, STALE_FORM);
  const result = await auditedChange(() =>
    deleteRole(
      getDb(),
      accountDbId,
      id,
      version,
      values.confirmation ?? "",
      actorOf(check.user),
      check.meta,
    ),
  );
  if (!result.ok) return stateOf(result, values, "");
  revalidatePath("/admin/accounts", "layout");
  redirect(`/admin/accounts/${values.accountDbId}?notice=role-deleted`);
}

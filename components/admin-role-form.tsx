"use client";

import { useState } from "react";
import type { AwsPartition } from "@/lib/aws/partitions";
import { AdminChoiceGroup, AdminField, INPUT_CLASS } from "./admin-form-parts";
import { secondsWithDuration } from "./admin-wording";
import {
  AdminFormShell,
  CheckboxField,
  MaxSessionField,
  TextField,
  useAdminForm,
  type AdminFormAction,
} from "./admin-form-shell";

/** Adds a role to an account (no `initial.id`) or edits one. */
export function AdminRoleForm({
  action,
  initial,
  accountId,
  partition,
}: {
  action: AdminFormAction;
  initial: Record<string, string>;
  /** The account's 12-digit id, for the ARN and SAML provider hints. */
  accountId: string;
  /** The broker's partition: the only one whose roles it can assume (docs/AWS.md "Partitions"). */
  partition: AwsPartition;
}) {
  const form = useAdminForm(action, initial);
  const [method, setMethod] = useState(form.valueOf("assumeMethod") || "assume-role");
  const isSaml = method === "assume-role-with-saml";
  const { isEdit, errorOf } = form;
  return (
    <AdminFormShell
      form={form}
      testId="role-form"
      title={isEdit ? "Role details" : "Add a role"}
      submitLabel={isEdit ? "Save role" : "Add role"}
      carry={["accountDbId"]}
    >
      <div className="grid gap-4 sm:grid-cols-2">
        <TextField name="name" label="Role name" hint="As in IAM, e.g. ReadOnly" />
        <MaxSessionField
          min={3600}
          hint={`The role's MaxSessionDuration in IAM: ${secondsWithDuration(3600)} to ${secondsWithDuration(43_200)}`}
        />
      </div>
      <TextField
        name="arn"
        label="Role ARN (optional)"
        hint={`Leave empty for arn:${partition}:iam::${accountId}:role/<name>; paste one to use a path (role/<path>/<name>)`}
        inputClassName="font-mono"
      />
      <TextField name="description" label="Description (optional)" />
      <AdminField
        label="How the role is assumed"
        hint="The broker assumes it with the portal's own credentials; a SAML role is reached through the IdP's AWS app"
        error={errorOf("assumeMethod")}
      >
        {(control) => (
          <select
            name="assumeMethod"
            className={INPUT_CLASS}
            value={method}
            onChange={(e) => setMethod(e.target.value)}
            {...control}
          >
            {/* Short enough for a phone's screen; the hint says the rest. */}
            <option value="assume-role">By the broker (sts:AssumeRole)</option>
            <option value="assume-role-with-saml">With SAML (AssumeRoleWithSAML)</option>
          </select>
        )}
      </AdminField>
      {isSaml ? (
        <TextField
          name="samlProviderArn"
          label="SAML provider ARN"
          hint={`The IAM SAML provider in this account, e.g. arn:${partition}:iam::${accountId}:saml-provider/corp-idp`}
          inputClassName="font-mono"
        />
      ) : (
        <div className="grid gap-4 sm:grid-cols-2">
          <TextField
            name="externalId"
            label="ExternalId (optional)"
            hint="If the role's trust policy requires sts:ExternalId: 2–1224 characters"
            inputClassName="font-mono"
            autoComplete="off"
          />
          <AdminChoiceGroup
            legend="Broker MFA"
            hint="The trust policy requires aws:MultiFactorAuthPresent (an admin unlocks the broker)"
            error={errorOf("requiresBrokerMfa")}
          >
            {(control) => (
              <div className="mt-2">
                <CheckboxField
                  name="requiresBrokerMfa"
                  label="Requires the broker's MFA session"
                  control={control}
                />
              </div>
            )}
          </AdminChoiceGroup>
        </div>
      )}
      {/* Errors of the broker-only fields, hidden while SAML is picked, are still said. */}
      {isSaml && errorOf("externalId") && (
        <p className="text-xs text-red-700">{errorOf("externalId")}</p>
      )}
      {isSaml && errorOf("requiresBrokerMfa") && (
        <p className="text-xs text-red-700">{errorOf("requiresBrokerMfa")}</p>
      )}
    </AdminFormShell>
  );
}

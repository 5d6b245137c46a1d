"use client";

import { useState } from "react";
import { AdminChoiceGroup, AdminField, INPUT_CLASS } from "./admin-form-parts";
import { RuleAccessFields } from "./admin-rule-eligible-fields";
import { secondsWithDuration } from "./admin-wording";
import {
  AdminFormShell,
  CheckboxField,
  MaxSessionField,
  TextField,
  useAdminForm,
  type AdminFormAction,
} from "./admin-form-shell";

/** Grants a group or a user a role (no `initial.id`), or edits such a rule. */
export function AdminRuleForm({
  action,
  initial,
  roleMaxSeconds,
  utcNow,
  identityProviders,
}: {
  action: AdminFormAction;
  /** The IdPs a group rule may be limited to (issuer and name). */
  identityProviders: ReadonlyArray<{ issuer: string; label: string }>;
  initial: Record<string, string>;
  roleMaxSeconds: number;
  /** The server's clock as the expiry field takes it (YYYY-MM-DD HH:MM, UTC), shown as an example. */
  utcNow: string;
}) {
  const form = useAdminForm(action, initial);
  const [kind, setKind] = useState(form.valueOf("subjectKind") || "group");
  const { isEdit, errorOf } = form;
  return (
    <AdminFormShell
      form={form}
      testId="rule-form"
      title={isEdit ? "Access rule" : "Grant access to this role"}
      submitLabel={isEdit ? "Save rule" : "Add rule"}
      carry={["accountDbId", "roleId"]}
    >
      <AdminChoiceGroup legend="Who" error={errorOf("subjectKind")} className="space-y-2">
        {(control) => (
          <>
            <div className="flex gap-6 text-sm">
              {(
                [
                  ["group", "Everyone in an IdP group"],
                  ["user", "One user"],
                ] as const
              ).map(([value, label]) => (
                <label key={value} className="flex items-center gap-2">
                  <input
                    type="radio"
                    name="subjectKind"
                    value={value}
                    checked={kind === value}
                    onChange={() => setKind(value)}
                    {...control}
                  />
                  {label}
                </label>
              ))}
            </div>
            {kind === "group" ? (
              <div className="grid gap-4 sm:grid-cols-2">
                <TextField
                  name="groupName"
                  label="Group name"
                  hint="Exactly as the IdP asserts it"
                />
                <AdminField
                  label="Asserted by"
                  hint="Which identity provider's word for this group counts"
                  error={errorOf("groupIssuer")}
                >
                  {(fieldControl) => (
                    <select
                      name="groupIssuer"
                      className={INPUT_CLASS}
                      defaultValue={form.valueOf("groupIssuer")}
                      {...fieldControl}
                    >
                      <option value="">Any identity provider</option>
                      {identityProviders.map((idp) => (
                        <option key={idp.issuer} value={idp.issuer}>
                          Only {idp.label} ({idp.issuer})
                        </option>
                      ))}
                      {form.valueOf("groupIssuer") !== "" &&
                        !identityProviders.some(
                          (i) => i.issuer === form.valueOf("groupIssuer"),
                        ) && (
                          <option value={form.valueOf("groupIssuer")}>
                            Only {form.valueOf("groupIssuer")} (no longer configured)
                          </option>
                        )}
                    </select>
                  )}
                </AdminField>
              </div>
            ) : (
              <TextField
                name="userEmail"
                label="User's email"
                hint="Someone who has signed in to Gatehouse at least once"
                type="email"
              />
            )}
          </>
        )}
      </AdminChoiceGroup>
      <div className="grid gap-4 sm:grid-cols-2">
        <MaxSessionField
          min={900}
          hint={`${secondsWithDuration(900)} to ${secondsWithDuration(43_200)}; this role allows at most ${secondsWithDuration(roleMaxSeconds)}, so more is capped at that`}
        />
        <TextField
          name="expiresAt"
          label="Expires (optional, UTC)"
          hint={`UTC date and time as YYYY-MM-DD HH:MM (it is now ${utcNow} UTC). After this instant the rule grants nothing.`}
          inputClassName="font-mono"
          placeholder="YYYY-MM-DD HH:MM"
          autoComplete="off"
        />
      </div>
      <AdminChoiceGroup legend="Allowed" error={errorOf("outputs")}>
        {(control) => (
          <div className="mt-1 flex flex-wrap gap-6">
            <CheckboxField name="allowConsole" label="AWS console" control={control} />
            <CheckboxField name="allowCli" label="CLI credentials" control={control} />
            <CheckboxField name="requireMfa" label="Only after an MFA sign-in" />
          </div>
        )}
      </AdminChoiceGroup>
      <AdminField
        label="Session policy (optional)"
        error={errorOf("sessionPolicy")}
        hint="An IAM policy (JSON) that narrows what this rule's sessions may do"
      >
        {(control) => (
          <textarea
            name="sessionPolicy"
            className={`${INPUT_CLASS} h-28 font-mono text-xs`}
            defaultValue={form.valueOf("sessionPolicy")}
            placeholder='{"Version":"2012-10-17","Statement":[…]}'
            {...control}
          />
        )}
      </AdminField>
      <RuleAccessFields />
      <TextField name="description" label="Description (optional)" hint="Why this access exists" />
    </AdminFormShell>
  );
}

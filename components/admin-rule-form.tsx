"use client";

import { useActionState, useState } from "react";
import { INITIAL_FORM_STATE, type AdminFormState } from "@/app/admin/accounts/form-state";
import { AdminField, AdminFormStatus, AdminSubmit, INPUT_CLASS, valueOf } from "./admin-form-parts";

type Action = (state: AdminFormState, form: FormData) => Promise<AdminFormState>;

/** Grants a group or a user a role (no `initial.id`), or edits such a rule. */
export function AdminRuleForm({
  action,
  initial,
  roleMaxSeconds,
}: {
  action: Action;
  initial: Record<string, string>;
  roleMaxSeconds: number;
}) {
  const [state, formAction, pending] = useActionState(action, INITIAL_FORM_STATE);
  const v = valueOf(state, initial);
  const [kind, setKind] = useState(v("subjectKind") || "group");
  const isEdit = initial.id !== undefined;
  const err = state.errors;
  return (
    <form
      action={formAction}
      className="space-y-4 rounded-xl border border-slate-200 bg-white p-6 shadow-sm"
      data-testid="rule-form"
      noValidate
    >
      <h2 className="text-lg font-semibold">
        {isEdit ? "Access rule" : "Grant access to this role"}
      </h2>
      <AdminFormStatus state={state} />
      <input type="hidden" name="accountDbId" value={initial.accountDbId} />
      <input type="hidden" name="roleId" value={initial.roleId} />
      {isEdit && <input type="hidden" name="id" value={initial.id} />}
      {isEdit && <input type="hidden" name="version" value={v("version")} />}
      <fieldset className="space-y-2">
        <legend className="text-sm font-medium text-slate-800">Who</legend>
        <div className="flex gap-6 text-sm">
          <label className="flex items-center gap-2">
            <input
              type="radio"
              name="subjectKind"
              value="group"
              checked={kind === "group"}
              onChange={() => setKind("group")}
            />
            Everyone in an IdP group
          </label>
          <label className="flex items-center gap-2">
            <input
              type="radio"
              name="subjectKind"
              value="user"
              checked={kind === "user"}
              onChange={() => setKind("user")}
            />
            One user
          </label>
        </div>
        {kind === "group" ? (
          <AdminField label="Group name" error={err.groupName} hint="Exactly as the IdP asserts it">
            <input
              name="groupName"
              className={INPUT_CLASS}
              defaultValue={v("groupName")}
              aria-invalid={!!err.groupName}
            />
          </AdminField>
        ) : (
          <AdminField
            label="User's email"
            error={err.userEmail}
            hint="Someone who has signed in to Gatehouse at least once"
          >
            <input
              name="userEmail"
              type="email"
              className={INPUT_CLASS}
              defaultValue={v("userEmail")}
              aria-invalid={!!err.userEmail}
            />
          </AdminField>
        )}
        {err.subjectKind && <p className="text-xs text-red-700">{err.subjectKind}</p>}
      </fieldset>
      <div className="grid gap-4 sm:grid-cols-2">
        <AdminField
          label="Maximum session (seconds)"
          error={err.maxSessionDurationSeconds}
          hint={`900 (15 min) to 43200 (12 h); this role allows at most ${roleMaxSeconds} — more is capped`}
        >
          <input
            name="maxSessionDurationSeconds"
            type="number"
            min={900}
            max={43200}
            className={INPUT_CLASS}
            defaultValue={v("maxSessionDurationSeconds") || "3600"}
            aria-invalid={!!err.maxSessionDurationSeconds}
          />
        </AdminField>
        <AdminField
          label="Expires (optional, UTC)"
          error={err.expiresAt}
          hint="After this instant the rule grants nothing"
        >
          <input
            name="expiresAt"
            type="datetime-local"
            className={INPUT_CLASS}
            defaultValue={v("expiresAt")}
            aria-invalid={!!err.expiresAt}
          />
        </AdminField>
      </div>
      <fieldset>
        <legend className="text-sm font-medium text-slate-800">Allowed</legend>
        <div className="mt-1 flex flex-wrap gap-6 text-sm">
          <label className="flex items-center gap-2">
            <input
              type="checkbox"
              name="allowConsole"
              defaultChecked={v("allowConsole") === "on"}
            />
            AWS console
          </label>
          <label className="flex items-center gap-2">
            <input type="checkbox" name="allowCli" defaultChecked={v("allowCli") === "on"} />
            CLI credentials
          </label>
          <label className="flex items-center gap-2">
            <input type="checkbox" name="requireMfa" defaultChecked={v("requireMfa") === "on"} />
            Only after an MFA sign-in
          </label>
        </div>
        {err.outputs && (
          <p className="mt-1 text-xs text-red-700" data-testid="field-error">
            {err.outputs}
          </p>
        )}
      </fieldset>
      <AdminField
        label="Session policy (optional)"
        error={err.sessionPolicy}
        hint="An IAM policy (JSON) that narrows what this rule's sessions may do"
      >
        <textarea
          name="sessionPolicy"
          className={`${INPUT_CLASS} h-28 font-mono text-xs`}
          defaultValue={v("sessionPolicy")}
          placeholder='{"Version":"2012-10-17","Statement":[…]}'
          aria-invalid={!!err.sessionPolicy}
        />
      </AdminField>
      <AdminField
        label="Description (optional)"
        error={err.description}
        hint="Why this access exists"
      >
        <input
          name="description"
          className={INPUT_CLASS}
          defaultValue={v("description")}
          aria-invalid={!!err.description}
        />
      </AdminField>
      <AdminSubmit pending={pending} label={isEdit ? "Save rule" : "Add rule"} busy="Saving…" />
    </form>
  );
}

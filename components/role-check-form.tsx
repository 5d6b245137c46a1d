"use client";

import { useActionState, useState } from "react";
import type { RoleCheckState } from "@/app/admin/broker/actions";
import { submitKeepingFields } from "./use-kept-form-submit";

const INITIAL: RoleCheckState = { report: null, error: null };

const VERDICT = {
  ok: { mark: "✓", className: "text-emerald-700", label: "OK" },
  problem: { mark: "✗", className: "text-red-700", label: "Problem" },
  "not-checked": { mark: "–", className: "text-slate-500", label: "Not checked" },
} as const;

/**
 * "Check a role": pick a role, and the server does what an issuance would (shortest session,
 * credentials discarded) and explains what is missing (docs/AWS.md "Check a role").
 */
export function RoleCheckForm({
  roles,
  check,
}: {
  roles: Array<{ id: string; label: string }>;
  check: (state: RoleCheckState, form: FormData) => Promise<RoleCheckState>;
}) {
  const [state, formAction, isPending] = useActionState(check, INITIAL);
  // The role stays chosen after the check, beside its report: the form is not reset.
  const [roleId, setRoleId] = useState("");
  return (
    <section
      id="role-check"
      className="space-y-3 rounded-xl border border-slate-200 bg-white p-4 shadow-sm"
      data-testid="role-check"
    >
      <h2 className="font-semibold">Check a role</h2>
      <p className="text-sm text-slate-600">
        Does what an issuance would — AssumeRole for 15 minutes with your SourceIdentity, the
        configured session tags, the rules&apos; session policy and the role&apos;s ExternalId —
        then the longest session a rule allows, and says what is missing. The credentials are
        discarded at once; the check is recorded in the audit log.
      </p>
      <form
        action={formAction}
        onSubmit={submitKeepingFields(formAction)}
        className="flex flex-wrap items-end gap-2"
      >
        <label className="flex min-w-0 flex-1 flex-col text-sm">
          <span className="font-medium">Role</span>
          <select
            name="roleId"
            required
            className="mt-1 w-full rounded-md border border-slate-300 bg-white px-2 py-2 text-sm"
            value={roleId}
            onChange={(e) => setRoleId(e.target.value)}
          >
            <option value="" disabled>
              Choose a role…
            </option>
            {roles.map((r) => (
              <option key={r.id} value={r.id}>
                {r.label}
              </option>
            ))}
          </select>
        </label>
        <button
          type="submit"
          disabled={isPending}
          className="rounded-md bg-indigo-600 px-4 py-2 text-sm text-white hover:bg-indigo-500 disabled:opacity-50"
        >
          {isPending ? "Checking…" : "Check"}
        </button>
      </form>
      {state.error && (
        <p role="alert" className="rounded-md bg-red-50 px-3 py-2 text-sm text-red-800">
          {state.error}
        </p>
      )}
      {state.report && (
        <div data-testid="role-check-report" aria-live="polite">
          <p
            className={`text-sm font-medium ${state.report.ok ? "text-emerald-800" : "text-red-800"}`}
            data-testid="role-check-verdict"
          >
            {state.report.ok
              ? "This role can be issued as configured."
              : "This role can't be issued as configured:"}{" "}
            <code className="font-mono text-xs break-all">{state.report.roleArn}</code>
          </p>
          <ul className="mt-2 space-y-1 text-sm">
            {state.report.findings.map((f) => (
              <li key={f.check} className="flex gap-2" data-testid={`role-check-${f.check}`}>
                <span
                  className={VERDICT[f.verdict].className}
                  aria-label={VERDICT[f.verdict].label}
                >
                  {VERDICT[f.verdict].mark}
                </span>
                <span>
                  {f.explanation}
                  {f.awsErrorCode ? (
                    <span className="ml-1 font-mono text-xs text-slate-500">
                      ({f.awsErrorCode})
                    </span>
                  ) : null}
                </span>
              </li>
            ))}
          </ul>
        </div>
      )}
    </section>
  );
}

"use client";

import { useState } from "react";
import { AdminChoiceGroup } from "./admin-form-parts";
import { CheckboxField, TextField, useAdminFormContext } from "./admin-form-shell";

/**
 * Standing or by request (docs/ACCESS-REQUESTS.md): an eligible rule grants nothing until someone
 * it names approves a request; its terms appear only when "by request" is chosen.
 */
export function RuleAccessFields() {
  const form = useAdminFormContext();
  const [access, setAccess] = useState(form.valueOf("access") || "standing");
  return (
    <AdminChoiceGroup legend="Access" error={form.errorOf("access")} className="space-y-3">
      {(control) => (
        <>
          <div className="flex flex-wrap gap-6 text-sm">
            {(
              [
                ["standing", "Standing: granted while the rule matches"],
                ["eligible", "By request: someone else approves each use, for a while"],
              ] as const
            ).map(([value, label]) => (
              <label key={value} className="flex items-center gap-2">
                <input
                  type="radio"
                  name="access"
                  value={value}
                  checked={access === value}
                  onChange={() => setAccess(value)}
                  data-testid={`rule-access-${value}`}
                  {...control}
                />
                {label}
              </label>
            ))}
          </div>
          {access === "eligible" && (
            <div className="space-y-3 rounded-md border border-slate-200 bg-slate-50 p-3">
              <TextField
                name="approvers"
                label="Approvers"
                hint="IdP groups and people's emails, separated by commas. Never the requester, even if listed."
                placeholder="platform-leads, alice@corp.example"
              />
              <div className="grid gap-4 sm:grid-cols-2">
                <TextField
                  name="approvalsRequired"
                  label="Approvals needed"
                  hint="1 to 5, each from a different person"
                  type="number"
                  min={1}
                  max={5}
                  defaultValue={form.valueOf("approvalsRequired") || "1"}
                />
                <TextField
                  name="maxElevationSeconds"
                  label="Longest access per request (seconds)"
                  hint="900 (15 minutes) to 86400 (24 hours); sessions never outlast it"
                  type="number"
                  min={900}
                  max={86_400}
                  defaultValue={form.valueOf("maxElevationSeconds") || "3600"}
                />
              </div>
              <div className="flex flex-wrap gap-6">
                <CheckboxField name="requireReason" label="Reason required" />
                <CheckboxField name="requireTicket" label="Ticket required" />
                <CheckboxField name="requireMfaToRequest" label="MFA to request" />
                <CheckboxField name="requireMfaToApprove" label="MFA to approve" />
                <CheckboxField
                  name="breakGlass"
                  label="Break-glass: the requester may activate at once, with a reason"
                />
              </div>
              <TextField
                name="webhookUrl"
                label="Webhook for this rule (optional)"
                hint="Besides the global one: every request event under this rule is POSTed here"
                type="url"
                placeholder="https://hooks.slack.com/services/…"
              />
            </div>
          )}
        </>
      )}
    </AdminChoiceGroup>
  );
}

"use client";

import { useMemo, useState } from "react";
import type { EligibleRole } from "@/lib/access-requests/list-requests";
import { EnvironmentBadge } from "../environment-badge";
import { formatDuration } from "../format-duration";
import { ActionOutcome, useRequestAction } from "./use-request-action";

/** Lengths offered, up to the rule's longest elevation. */
function lengthChoices(maxSeconds: number): number[] {
  const steps = [900, 1800, 3600, 2 * 3600, 4 * 3600, 8 * 3600, 12 * 3600, 24 * 3600];
  const choices = steps.filter((s) => s <= maxSeconds);
  if (!choices.includes(maxSeconds)) choices.push(maxSeconds);
  return choices;
}

/** The roles the person may request, searchable, each opening its request form. */
export function EligibleRoles({ roles }: { roles: EligibleRole[] }) {
  const [query, setQuery] = useState("");
  const [open, setOpen] = useState<string | null>(null);
  const shown = useMemo(() => {
    const words = query.toLowerCase().split(/\s+/).filter(Boolean);
    return roles.filter((r) => {
      const text =
        `${r.roleName} ${r.accountName} ${r.accountAlias} ${r.accountId} ${r.environment}`.toLowerCase();
      return words.every((w) => text.includes(w));
    });
  }, [roles, query]);
  if (roles.length === 0)
    return (
      <p className="text-sm text-slate-600" data-testid="eligible-empty">
        No role is open to you by request.
      </p>
    );
  return (
    <div className="space-y-3">
      <input
        type="search"
        value={query}
        onChange={(e) => setQuery(e.target.value)}
        placeholder="Search roles you can request"
        aria-label="Search roles you can request"
        className="w-full rounded-md border border-slate-300 px-3 py-2 text-sm sm:max-w-sm"
        data-testid="eligible-search"
      />
      <ul className="divide-y divide-slate-100 rounded-lg border border-slate-200 bg-white">
        {shown.map((r) => (
          <li key={r.roleId} className="p-3" data-testid="eligible-role" data-role-id={r.roleId}>
            <div className="flex flex-wrap items-center gap-2">
              <span className="font-medium">{r.roleName}</span>
              <span className="text-sm text-slate-600">
                in {r.accountName} <span className="font-mono text-xs">({r.accountId})</span>
              </span>
              <EnvironmentBadge environment={r.environment} />
              <button
                type="button"
                onClick={() => setOpen(open === r.roleId ? null : r.roleId)}
                className="ml-auto rounded-md bg-indigo-600 px-3 py-1 text-sm font-medium text-white hover:bg-indigo-500"
                aria-expanded={open === r.roleId}
                data-testid="request-open"
              >
                {r.breakGlass ? "Request or break glass" : "Request access"}
              </button>
            </div>
            {r.roleDescription && (
              <p className="mt-1 text-sm text-slate-600">{r.roleDescription}</p>
            )}
            <p className="mt-1 text-xs text-slate-500">
              Up to {formatDuration(r.maxElevationSeconds)}; approved by {r.approvers}
              {r.approvalsRequired > 1 ? ` (${r.approvalsRequired} approvals)` : ""}.
            </p>
            {open === r.roleId && <RequestForm role={r} onDone={() => setOpen(null)} />}
          </li>
        ))}
        {shown.length === 0 && (
          <li className="p-3 text-sm text-slate-600">No requestable role matches “{query}”.</li>
        )}
      </ul>
    </div>
  );
}

function RequestForm({ role, onDone }: { role: EligibleRole; onDone: () => void }) {
  const choices = lengthChoices(role.maxElevationSeconds);
  const [durationSeconds, setDuration] = useState(Math.min(3600, role.maxElevationSeconds));
  const [reason, setReason] = useState("");
  const [ticket, setTicket] = useState("");
  const [later, setLater] = useState(false);
  const [startsAt, setStartsAt] = useState("");
  const { busy, error, done, send } = useRequestAction();
  const submit = async (breakGlass: boolean) => {
    const ok = await send(
      breakGlass ? "break-glass" : "request",
      "/api/access-requests",
      {
        roleId: role.roleId,
        durationSeconds,
        reason,
        ticket,
        breakGlass,
        ...(later && startsAt ? { startsAt: new Date(startsAt).toISOString() } : {}),
      },
      breakGlass
        ? "Break-glass access is active; approvers were told."
        : "Requested: approvers were told.",
    );
    if (ok) onDone();
  };
  return (
    <form
      className="mt-3 space-y-3 rounded-md border border-slate-200 bg-slate-50 p-3"
      onSubmit={(e) => {
        e.preventDefault();
        void submit(false);
      }}
      data-testid="request-form"
    >
      <div className="grid gap-3 sm:grid-cols-2">
        <label className="block text-sm">
          <span className="font-medium">For how long</span>
          <select
            value={durationSeconds}
            onChange={(e) => setDuration(Number(e.target.value))}
            className="mt-1 block w-full rounded-md border border-slate-300 px-2 py-1.5"
            data-testid="request-duration"
          >
            {choices.map((s) => (
              <option key={s} value={s}>
                {formatDuration(s)}
              </option>
            ))}
          </select>
        </label>
        <fieldset className="text-sm">
          <legend className="font-medium">Starting</legend>
          <label className="mr-3 inline-flex items-center gap-1">
            <input type="radio" checked={!later} onChange={() => setLater(false)} /> when approved
          </label>
          <label className="inline-flex items-center gap-1">
            <input type="radio" checked={later} onChange={() => setLater(true)} /> at
          </label>
          {later && (
            <input
              type="datetime-local"
              value={startsAt}
              onChange={(e) => setStartsAt(e.target.value)}
              className="mt-1 block rounded-md border border-slate-300 px-2 py-1"
              aria-label="Start at"
            />
          )}
        </fieldset>
      </div>
      <label className="block text-sm">
        <span className="font-medium">Reason{role.requireReason ? "" : " (optional)"}</span>
        <textarea
          value={reason}
          onChange={(e) => setReason(e.target.value)}
          rows={2}
          maxLength={1000}
          required={role.requireReason}
          className="mt-1 block w-full rounded-md border border-slate-300 px-2 py-1.5"
          data-testid="request-reason"
        />
      </label>
      <label className="block text-sm">
        <span className="font-medium">Ticket{role.requireTicket ? "" : " (optional)"}</span>
        <input
          value={ticket}
          onChange={(e) => setTicket(e.target.value)}
          maxLength={100}
          required={role.requireTicket}
          placeholder="e.g. OPS-1234"
          className="mt-1 block w-full rounded-md border border-slate-300 px-2 py-1.5 sm:max-w-xs"
          data-testid="request-ticket"
        />
      </label>
      <ActionOutcome error={error} done={done} />
      <div className="flex flex-wrap gap-2">
        <button
          type="submit"
          disabled={busy !== null}
          className="rounded-md bg-indigo-600 px-3 py-1.5 text-sm font-medium text-white hover:bg-indigo-500 disabled:opacity-60"
          data-testid="request-submit"
        >
          {busy === "request" ? "Sending…" : "Send request"}
        </button>
        {role.breakGlass && (
          <button
            type="button"
            disabled={busy !== null}
            onClick={() => void submit(true)}
            className="rounded-md border border-red-400 px-3 py-1.5 text-sm font-medium text-red-700 hover:bg-red-50 disabled:opacity-60"
            data-testid="request-break-glass"
          >
            Break glass: activate now
          </button>
        )}
      </div>
    </form>
  );
}

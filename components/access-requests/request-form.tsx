"use client";

import { useId, useState } from "react";
import type { EligibleRole } from "@/lib/access-requests/list-requests";
import { formatDuration } from "../format-duration";
import { keepRequestDraft, type RequestDraft } from "./kept-drafts";
import { readStartChoice } from "./start-time";
import { ActionOutcome, useRequestAction } from "./use-request-action";

/** Lengths offered, up to the rule's longest elevation. */
function lengthChoices(maxSeconds: number): number[] {
  const steps = [900, 1800, 3600, 2 * 3600, 4 * 3600, 8 * 3600, 12 * 3600, 24 * 3600];
  const choices = steps.filter((s) => s <= maxSeconds);
  if (!choices.includes(maxSeconds)) choices.push(maxSeconds);
  return choices;
}

/**
 * Asks for one role: how long, from when, why. A start "at" a time must be a time to come; once
 * sent, the form closes and the list above it says so (`onSent`). With `replacesWaiting`, it is
 * break-glass only, for a role whose request still waits: activating replaces that request
 * (docs/ACCESS-REQUESTS.md invariant 5).
 */
export function RequestForm({
  role,
  portalNow,
  onSent,
  replacesWaiting = false,
  kept = null,
}: {
  role: EligibleRole;
  /** What was typed before the tab left to sign in again: shown as it was, not sent. */
  kept?: RequestDraft | null;
  /** The portal's clock now, in ms: a chosen start must be after it. */
  portalNow: () => number;
  onSent: (message: string) => void;
  replacesWaiting?: boolean;
}) {
  const choices = lengthChoices(role.maxElevationSeconds);
  const [durationSeconds, setDuration] = useState(
    kept && choices.includes(kept.durationSeconds)
      ? kept.durationSeconds
      : Math.min(3600, role.maxElevationSeconds),
  );
  const [reason, setReason] = useState(kept?.reason ?? "");
  const [ticket, setTicket] = useState(kept?.ticket ?? "");
  const [later, setLater] = useState(kept?.later ?? false);
  const [startsAt, setStartsAt] = useState(kept?.startsAt ?? "");
  const [startError, setStartError] = useState<string | null>(null);
  const startsName = useId();
  const { busy, error, done, send } = useRequestAction();
  const submit = async (breakGlass: boolean) => {
    // Break-glass access starts now, whatever "Starting" says.
    const start = readStartChoice(later && !breakGlass, startsAt, portalNow());
    if (!start.ok) {
      setStartError(start.message);
      return;
    }
    setStartError(null);
    const message = !breakGlass
      ? "Requested: approvers were told."
      : replacesWaiting
        ? "Break-glass access is active; your waiting request was cancelled and approvers were told."
        : "Break-glass access is active; approvers were told.";
    const ok = await send(
      breakGlass ? "break-glass" : "request",
      "/api/access-requests",
      {
        roleId: role.roleId,
        durationSeconds,
        reason,
        ticket,
        breakGlass,
        ...(start.startsAt ? { startsAt: start.startsAt } : {}),
      },
      message,
      null,
      () =>
        keepRequestDraft({ roleId: role.roleId, durationSeconds, reason, ticket, later, startsAt }),
    );
    if (ok) onSent(message);
  };
  return (
    <form
      className="mt-3 space-y-3 rounded-md border border-slate-200 bg-slate-50 p-3"
      onSubmit={(e) => {
        e.preventDefault();
        void submit(replacesWaiting);
      }}
      data-testid="request-form"
    >
      {replacesWaiting && (
        <p className="text-sm text-slate-700" data-testid="break-glass-replaces">
          Break glass activates this role now, without approval, and cancels your waiting request.
          Approvers are told, and the reason is recorded.
        </p>
      )}
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
        <fieldset className="text-sm" hidden={replacesWaiting}>
          <legend className="font-medium">Starting</legend>
          <label className="mr-3 inline-flex items-center gap-1">
            <input
              type="radio"
              name={startsName}
              checked={!later}
              onChange={() => {
                setLater(false);
                setStartError(null);
              }}
              data-testid="request-start-approved"
            />{" "}
            when approved
          </label>
          <label className="inline-flex items-center gap-1">
            <input
              type="radio"
              name={startsName}
              checked={later}
              onChange={() => setLater(true)}
              data-testid="request-start-at"
            />{" "}
            at
          </label>
          {later && (
            <input
              type="datetime-local"
              value={startsAt}
              onChange={(e) => {
                setStartsAt(e.target.value);
                setStartError(null);
              }}
              className="mt-1 block rounded-md border border-slate-300 px-2 py-1 aria-[invalid=true]:border-red-500"
              aria-label="Start at"
              aria-invalid={startError !== null}
              aria-describedby={startError ? `${startsName}-error` : undefined}
              data-testid="request-starts-at"
            />
          )}
          {startError && (
            <p
              id={`${startsName}-error`}
              role="alert"
              className="mt-1 text-xs text-red-700"
              data-testid="request-start-error"
            >
              {startError}
            </p>
          )}
        </fieldset>
      </div>
      <label className="block text-sm">
        <span className="font-medium">
          Reason{role.requireReason || replacesWaiting ? "" : " (optional)"}
        </span>
        <textarea
          value={reason}
          onChange={(e) => setReason(e.target.value)}
          rows={2}
          maxLength={1000}
          required={role.requireReason || replacesWaiting}
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
          hidden={replacesWaiting}
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

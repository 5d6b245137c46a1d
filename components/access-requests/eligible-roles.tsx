"use client";

import { useEffect, useMemo, useRef, useState } from "react";
import type { EligibleRole, RequestedRole } from "@/lib/access-requests/list-requests";
import { EnvironmentBadge } from "../environment-badge";
import { formatDuration } from "../format-duration";
import { takeRequestDraft, type RequestDraft } from "./kept-drafts";
import { RequestForm } from "./request-form";

/** Why a role the person may request has no "Request access" button now. */
const REQUESTED_NOTE: Record<RequestedRole["status"], string> = {
  pending: "Your request is waiting for approval",
  approved: "Your request was approved; the access starts later",
  active: "You have this access now",
};

function RoleTitle({ role }: { role: EligibleRole }) {
  return (
    <>
      <span className="font-medium">{role.roleName}</span>
      <span className="text-sm text-slate-600">
        in {role.accountName} <span className="font-mono text-xs">({role.accountId})</span>
      </span>
      <EnvironmentBadge environment={role.environment} />
    </>
  );
}

/**
 * The roles the person may request, searchable, each opening its request form; then those already
 * asked for or held, saying so. The outcome of a sent request is said above the list, where it
 * stays once the role has moved to "My requests".
 */
export function EligibleRoles({
  roles,
  requested,
  now,
}: {
  roles: EligibleRole[];
  requested: RequestedRole[];
  /** The portal's clock when the page was rendered (ISO), for checking a chosen start. */
  now: string;
}) {
  const [query, setQuery] = useState("");
  const [open, setOpen] = useState<string | null>(null);
  const [done, setDone] = useState<string | null>(null);
  const [kept, setKept] = useState<RequestDraft | null>(null);
  // Back from signing in again with a request not sent: its form, open, as it was typed.
  const restored = useRef(false);
  useEffect(() => {
    if (restored.current) return;
    restored.current = true;
    const draft = takeRequestDraft();
    if (!draft || ![...roles, ...requested].some((r) => r.roleId === draft.roleId)) return;
    void Promise.resolve().then(() => {
      setKept(draft);
      setOpen(draft.roleId);
    });
  }, [roles, requested]);
  const sent = useRef<HTMLDivElement>(null);
  const focusSent = useRef(false);
  useEffect(() => {
    if (!focusSent.current) return;
    focusSent.current = false;
    sent.current?.focus();
  });
  const onSent = (message: string) => {
    focusSent.current = true;
    setDone(message);
    setOpen(null);
  };
  // The portal's clock now: its time at rendering plus what has passed since.
  const renderedAt = useRef(0);
  useEffect(() => {
    renderedAt.current = Date.now();
  }, [now]);
  const portalNow = () => Date.parse(now) + (Date.now() - renderedAt.current);
  const shown = useMemo(() => {
    const words = query.toLowerCase().split(/\s+/).filter(Boolean);
    return roles.filter((r) => {
      const text =
        `${r.roleName} ${r.accountName} ${r.accountAlias} ${r.accountId} ${r.environment}`.toLowerCase();
      return words.every((w) => text.includes(w));
    });
  }, [roles, query]);
  return (
    <div className="space-y-3">
      {/* Always there, so the confirmation is read out when it appears (see ActionOutcome); it
          takes the focus of the form that closed on sending, which would fall to the page body. */}
      <div ref={sent} tabIndex={-1} role="status" className="empty:absolute">
        {done && (
          <p
            className="rounded-md bg-emerald-50 px-3 py-2 text-sm text-emerald-800"
            data-testid="request-sent"
          >
            {done} It is listed under “My requests”.
          </p>
        )}
      </div>
      {requested.length > 0 && (
        <ul className="divide-y divide-slate-100 rounded-lg border border-slate-200 bg-white">
          {requested.map((r) => (
            <li
              key={r.roleId}
              className="flex flex-wrap items-center gap-2 p-3"
              data-testid="requested-role"
              data-role-id={r.roleId}
            >
              <RoleTitle role={r} />
              <span className="text-sm text-slate-600 sm:ml-auto" data-testid="requested-note">
                {REQUESTED_NOTE[r.status]}: see{" "}
                <a href="#my-requests" className="text-indigo-700 underline">
                  My requests
                </a>
                .
              </span>
              {r.breakGlass && r.status === "pending" && (
                <button
                  type="button"
                  onClick={() => setOpen(open === r.roleId ? null : r.roleId)}
                  className="rounded-md border border-red-400 px-3 py-1 text-sm font-medium text-red-700 hover:bg-red-50"
                  aria-expanded={open === r.roleId}
                  data-testid="break-glass-instead"
                >
                  Break glass instead
                </button>
              )}
              {open === r.roleId && (
                <div className="basis-full">
                  <RequestForm
                    role={r}
                    portalNow={portalNow}
                    replacesWaiting
                    onSent={onSent}
                    kept={kept?.roleId === r.roleId ? kept : null}
                  />
                </div>
              )}
            </li>
          ))}
        </ul>
      )}
      {roles.length === 0 ? (
        <p className="text-sm text-slate-600" data-testid="eligible-empty">
          {requested.length === 0
            ? "No role is open to you by request."
            : "No other role is open to you by request."}
        </p>
      ) : (
        <>
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
              <li
                key={r.roleId}
                className="p-3"
                data-testid="eligible-role"
                data-role-id={r.roleId}
              >
                <div className="flex flex-wrap items-center gap-2">
                  <RoleTitle role={r} />
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
                {open === r.roleId && (
                  <RequestForm
                    role={r}
                    portalNow={portalNow}
                    onSent={onSent}
                    kept={kept?.roleId === r.roleId ? kept : null}
                  />
                )}
              </li>
            ))}
            {shown.length === 0 && (
              <li className="p-3 text-sm text-slate-600">No requestable role matches “{query}”.</li>
            )}
          </ul>
        </>
      )}
    </div>
  );
}

"use client";

import type { RequestStatus, RequestView } from "@/lib/access-requests/request-view";
import { EnvironmentBadge } from "../environment-badge";
import { formatDuration } from "../format-duration";
import { formatUtc } from "../utc-time";

const STATUS_STYLE: Record<RequestStatus, string> = {
  pending: "bg-amber-50 text-amber-800 ring-amber-600/30",
  approved: "bg-sky-50 text-sky-800 ring-sky-600/30",
  active: "bg-emerald-50 text-emerald-800 ring-emerald-600/30",
  ended: "bg-slate-100 text-slate-700 ring-slate-500/20",
  denied: "bg-red-50 text-red-700 ring-red-600/30",
  cancelled: "bg-slate-100 text-slate-700 ring-slate-500/20",
  expired: "bg-slate-100 text-slate-700 ring-slate-500/20",
  revoked: "bg-red-50 text-red-700 ring-red-600/30",
};

/**
 * What a row's button or field is called for a screen reader: what it shows, then whose request
 * for which role, since every row shows the same "Approve" or "Cancel" (WCAG 2.5.3: the name
 * starts with the visible text).
 */
export function nameFor(shown: string, r: RequestView, requester?: string): string {
  return `${shown}: ${requester ? `${requester}, ` : ""}${r.accountName} / ${r.roleName}`;
}

const shortTime = (iso: string) => (iso ? formatUtc(iso) : "");

export function StatusBadge({ status }: { status: RequestStatus }) {
  return (
    <span
      className={`rounded-full px-2 py-0.5 text-xs font-medium ring-1 ring-inset ${STATUS_STYLE[status]}`}
      data-testid="request-status"
    >
      {status}
    </span>
  );
}

/**
 * "ends in 42 min (14:30 UTC)" for an active elevation, else when it starts, ended or was closed.
 * Only an elevation that ran has an end to show: a request cancelled after its approval keeps the
 * end it would have had, which never came.
 */
export function timing(r: RequestView, nowMs: number): string {
  const left = r.endsAt ? Math.max(0, Date.parse(r.endsAt) - nowMs) / 1000 : 0;
  switch (r.status) {
    case "active":
      return `ends in ${formatDuration(Math.max(60, left))} (${shortTime(r.endsAt ?? "")})`;
    case "approved":
      return `starts ${shortTime(r.startsAt)}`;
    case "pending": {
      const later = Date.parse(r.startsAt) > nowMs ? ` from ${shortTime(r.startsAt)}` : "";
      return `asked for ${formatDuration(r.durationSeconds)}${later}; decide by ${shortTime(r.decideBy)}`;
    }
    case "ended":
      return `ended ${shortTime(r.endsAt ?? "")}`;
    case "revoked":
      return `ended early ${shortTime(r.endsAt ?? "")}`;
    case "expired":
      return `asked ${shortTime(r.createdAt)}; nobody decided by ${shortTime(r.decideBy)}`;
    case "cancelled":
      return `asked ${shortTime(r.createdAt)}; cancelled${r.closedBy ? ` by ${r.closedBy}` : ""}`;
    case "denied":
      return `asked ${shortTime(r.createdAt)}`;
  }
}

/**
 * Who ended an elevation early and why, whether or not anyone approved it (break-glass); why a
 * request was cancelled, when that was said (an admin's change, a break-glass that replaced it).
 */
export function closedLine(r: RequestView): string | null {
  if (!r.closedBy) return null;
  const comment = r.closedComment ? `: “${r.closedComment}”` : "";
  if (r.status === "revoked") return `Ended early by ${r.closedBy}${comment}`;
  // Who cancelled is on the request's time line already; why, when one was given, is here.
  if (r.status === "cancelled" && r.closedComment) return r.closedComment;
  return null;
}

export function RoleLine({ r }: { r: RequestView }) {
  return (
    <div className="flex flex-wrap items-center gap-2">
      <span className="font-medium">{r.roleName}</span>
      <span className="text-sm text-slate-600">
        in {r.accountName} <span className="font-mono text-xs">({r.accountId})</span>
      </span>
      <EnvironmentBadge environment={r.environment} />
      {r.breakGlass && (
        <span className="rounded bg-red-600 px-1.5 py-0.5 text-xs font-semibold text-white">
          break-glass
        </span>
      )}
    </div>
  );
}

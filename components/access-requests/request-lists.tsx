"use client";

import { useEffect, useRef, useState } from "react";
import type { DecidableRequest } from "@/lib/access-requests/list-requests";
import type { RequestView } from "@/lib/access-requests/request-view";
import { keepDecisionDraft, takeDecisionDraft, type DecisionDraft } from "./kept-drafts";
import { closedLine, nameFor, RoleLine, StatusBadge, timing } from "./request-parts";
import { ActionOutcome, useRequestAction } from "./use-request-action";

/** The person's own requests, newest first, with Cancel (not started) and End now (active). */
export function MyRequests({ requests, now }: { requests: RequestView[]; now: string }) {
  const { busy, error, done, send, outcome } = useRequestAction();
  const nowMs = Date.parse(now);
  if (requests.length === 0)
    return (
      <p className="text-sm text-slate-600" data-testid="my-requests-empty">
        You have made no requests.
      </p>
    );
  return (
    <div className="space-y-2">
      <ActionOutcome error={error} done={done} outcome={outcome} />
      <ul className="divide-y divide-slate-100 rounded-lg border border-slate-200 bg-white">
        {requests.map((r) => (
          <li key={r.id} className="space-y-1 p-3" data-testid="my-request" data-request-id={r.id}>
            <div className="flex flex-wrap items-center gap-2">
              <StatusBadge status={r.status} />
              <RoleLine r={r} />
              <span className="ml-auto flex gap-2">
                {(r.status === "pending" || r.status === "approved") && (
                  <button
                    type="button"
                    disabled={busy !== null}
                    onClick={(e) =>
                      void send(
                        r.id,
                        `/api/access-requests/${r.id}/cancel`,
                        {},
                        "Request cancelled.",
                        e.currentTarget,
                      )
                    }
                    aria-label={nameFor("Cancel", r)}
                    className="rounded-md border border-slate-300 px-2 py-1 text-sm hover:bg-slate-50 disabled:opacity-60"
                    data-testid="request-cancel"
                  >
                    Cancel
                  </button>
                )}
                {r.status === "active" && (
                  <button
                    type="button"
                    disabled={busy !== null}
                    onClick={(e) =>
                      void send(
                        r.id,
                        `/api/access-requests/${r.id}/revoke`,
                        { comment: "ended by the requester" },
                        "Access ended.",
                        e.currentTarget,
                      )
                    }
                    aria-label={nameFor("End now", r)}
                    className="rounded-md border border-red-300 px-2 py-1 text-sm text-red-700 hover:bg-red-50 disabled:opacity-60"
                    data-testid="request-end"
                  >
                    End now
                  </button>
                )}
              </span>
            </div>
            <p className="text-sm text-slate-600">
              {timing(r, nowMs)}
              {r.reason && <> · “{r.reason}”</>}
              {r.ticket && <> · {r.ticket}</>}
            </p>
            {r.decisions.length > 0 && (
              <p className="text-xs text-slate-500">
                {r.decisions
                  .map(
                    (d) =>
                      `${d.decision === "approve" ? "approved" : "denied"} by ${d.email}${d.comment ? ` (“${d.comment}”)` : ""}`,
                  )
                  .join("; ")}
              </p>
            )}
            {r.ruleRemoved &&
              (r.status === "pending" || r.status === "approved" || r.status === "active") && (
                <p className="text-xs text-amber-800" data-testid="request-rule-removed">
                  {r.status === "pending"
                    ? "The rule this request was made under was removed: nobody can approve it. Cancel it, and request again if the role is still offered."
                    : "The rule this access was granted under was removed: it grants nothing now."}
                </p>
              )}
            {closedLine(r) && (
              <p className="text-xs text-slate-500" data-testid="request-closed">
                {closedLine(r)}
              </p>
            )}
          </li>
        ))}
      </ul>
    </div>
  );
}

/**
 * Pending requests this person may decide: who, what, why, their record; approve or deny. The one
 * a notification linked to comes first, marked.
 */
export function RequestsToDecide({
  requests: listed,
  now,
  linked = null,
}: {
  requests: DecidableRequest[];
  now: string;
  linked?: string | null;
}) {
  const requests = [
    ...listed.filter((r) => r.id === linked),
    ...listed.filter((r) => r.id !== linked),
  ];
  const { busy, error, done, send, outcome } = useRequestAction();
  const [comments, setComments] = useState<Record<string, string>>({});
  // Back from signing in again (or an MFA step-up) with a decision not sent: the comments as
  // typed, and that request says so; deciding it stays a click.
  const [cutShort, setCutShort] = useState<DecisionDraft | null>(null);
  const restored = useRef(false);
  useEffect(() => {
    if (restored.current) return;
    restored.current = true;
    const draft = takeDecisionDraft();
    if (!draft) return;
    void Promise.resolve().then(() => {
      setComments(draft.comments);
      setCutShort(draft);
    });
  }, []);
  const nowMs = Date.parse(now);
  const decide = (r: DecidableRequest, decision: "approve" | "deny", from: Element) => {
    setCutShort(null);
    void send(
      `${r.id}:${decision}`,
      `/api/access-requests/${r.id}/decision`,
      { decision, comment: comments[r.id] ?? "" },
      decision === "approve"
        ? `Approved ${r.requesterEmail}'s request.`
        : `Denied ${r.requesterEmail}'s request.`,
      from,
      () => keepDecisionDraft({ comments, requestId: r.id, decision }),
    );
  };
  return (
    <div className="space-y-2">
      <ActionOutcome error={error} done={done} outcome={outcome} />
      {requests.length === 0 && (
        <p className="text-sm text-slate-600" data-testid="to-decide-empty">
          Nothing waits for your decision.
        </p>
      )}
      <ul className="divide-y divide-slate-100 rounded-lg border border-slate-200 bg-white empty:hidden">
        {requests.map((r) => (
          <li
            key={r.id}
            className={`space-y-2 p-3 ${r.id === linked ? "bg-amber-50 ring-2 ring-amber-400 ring-inset" : ""}`}
            data-testid="decide-request"
            data-request-id={r.id}
            data-linked={r.id === linked ? "true" : undefined}
            aria-current={r.id === linked ? "true" : undefined}
          >
            <p className="text-sm">
              <span className="font-medium">{r.requesterEmail}</span> asks for
            </p>
            <RoleLine r={r} />
            <p className="text-sm text-slate-700">
              {timing(r, nowMs)} · Reason: “{r.reason || "none given"}”
              {r.ticket && <> · Ticket {r.ticket}</>}
            </p>
            <p className="text-xs text-slate-500" data-testid="requester-history">
              {r.requesterEmail}’s requests so far: {r.history.total} ({r.history.approved}{" "}
              approved, {r.history.denied} denied, {r.history.revoked} ended early)
              {r.approvalsRequired > 1 && ` · ${r.approvals} of ${r.approvalsRequired} approvals`}
            </p>
            {cutShort?.requestId === r.id && (
              <p role="status" className="text-sm text-amber-800" data-testid="decide-kept">
                Your {cutShort.decision === "approve" ? "approval" : "denial"} was not sent: you had
                to sign in again first. Your comment is kept; approve or deny again.
              </p>
            )}
            <div className="flex flex-wrap items-center gap-2">
              <input
                value={comments[r.id] ?? ""}
                onChange={(e) => setComments((c) => ({ ...c, [r.id]: e.target.value }))}
                placeholder="Comment (optional)"
                aria-label={nameFor("Comment", r, r.requesterEmail)}
                maxLength={1000}
                // On a phone the comment takes a row of its own above Approve and Deny (kept
                // side by side), wide enough to read what one types, its hint not cut off.
                className="min-w-0 flex-1 basis-full rounded-md border border-slate-300 px-2 py-1 text-sm sm:basis-0"
                data-testid="decide-comment"
              />
              <button
                type="button"
                disabled={busy !== null}
                onClick={(e) => decide(r, "approve", e.currentTarget)}
                aria-label={nameFor("Approve", r, r.requesterEmail)}
                className="rounded-md bg-emerald-700 px-3 py-1 text-sm font-medium text-white hover:bg-emerald-800 disabled:opacity-60"
                data-testid="decide-approve"
              >
                Approve
              </button>
              <button
                type="button"
                disabled={busy !== null}
                onClick={(e) => decide(r, "deny", e.currentTarget)}
                aria-label={nameFor("Deny", r, r.requesterEmail)}
                className="rounded-md border border-red-300 px-3 py-1 text-sm text-red-700 hover:bg-red-50 disabled:opacity-60"
                data-testid="decide-deny"
              >
                Deny
              </button>
            </div>
          </li>
        ))}
      </ul>
    </div>
  );
}

/** Approved elevations this person approves for (or any, for an admin): each can be ended now. */
export function OverseenElevations({ requests, now }: { requests: RequestView[]; now: string }) {
  const { busy, error, done, send, outcome } = useRequestAction();
  const nowMs = Date.parse(now);
  return (
    <div className="space-y-2">
      <ActionOutcome error={error} done={done} outcome={outcome} />
      {requests.length === 0 && (
        <p className="text-sm text-slate-600" data-testid="overseen-empty">
          Nobody holds access you approve for right now.
        </p>
      )}
      <ul className="divide-y divide-slate-100 rounded-lg border border-slate-200 bg-white empty:hidden">
        {requests.map((r) => (
          <li
            key={r.id}
            className="flex flex-wrap items-center gap-2 p-3"
            data-testid="overseen-elevation"
            data-request-id={r.id}
          >
            <StatusBadge status={r.status} />
            <span className="text-sm font-medium">{r.requesterEmail}</span>
            <RoleLine r={r} />
            <span className="text-sm text-slate-600">{timing(r, nowMs)}</span>
            <button
              type="button"
              disabled={busy !== null}
              onClick={(e) =>
                void send(
                  r.id,
                  `/api/access-requests/${r.id}/revoke`,
                  { comment: "revoked by an approver" },
                  `Ended ${r.requesterEmail}'s access.`,
                  e.currentTarget,
                )
              }
              aria-label={nameFor("Revoke", r, r.requesterEmail)}
              className="ml-auto rounded-md border border-red-300 px-2 py-1 text-sm text-red-700 hover:bg-red-50 disabled:opacity-60"
              data-testid="elevation-revoke"
            >
              Revoke
            </button>
          </li>
        ))}
      </ul>
    </div>
  );
}

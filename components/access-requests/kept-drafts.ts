"use client";

import { keepForSignIn, keptString, takeKept } from "../kept-for-sign-in";

/**
 * The access-request forms' typed text, kept when sending meets an ended session (or an MFA
 * step-up) and restored when the tab is back on /requests. It is restored, never sent: the person
 * sends it, or decides, with a click.
 */
export interface RequestDraft {
  roleId: string;
  durationSeconds: number;
  reason: string;
  ticket: string;
  later: boolean;
  startsAt: string;
}

/** An approver's comments by request id, and the decision whose sending was cut short. */
export interface DecisionDraft {
  comments: Record<string, string>;
  requestId: string;
  decision: "approve" | "deny";
}

const REQUEST_KEY = "access-request-draft";
const DECISION_KEY = "access-decision-draft";

export function keepRequestDraft(draft: RequestDraft): void {
  keepForSignIn(REQUEST_KEY, draft);
}

export function takeRequestDraft(): RequestDraft | null {
  const kept = takeKept(REQUEST_KEY);
  const roleId = keptString(kept, "roleId");
  if (roleId === null) return null;
  const { durationSeconds, later } = kept as { durationSeconds?: unknown; later?: unknown };
  return {
    roleId,
    durationSeconds: typeof durationSeconds === "number" ? durationSeconds : 3600,
    reason: keptString(kept, "reason") ?? "",
    ticket: keptString(kept, "ticket") ?? "",
    later: later === true,
    startsAt: keptString(kept, "startsAt") ?? "",
  };
}

export function keepDecisionDraft(draft: DecisionDraft): void {
  keepForSignIn(DECISION_KEY, draft);
}

export function takeDecisionDraft(): DecisionDraft | null {
  const kept = takeKept(DECISION_KEY);
  const requestId = keptString(kept, "requestId");
  const decision = keptString(kept, "decision");
  if (requestId === null || (decision !== "approve" && decision !== "deny")) return null;
  const comments: Record<string, string> = {};
  const raw = (kept as { comments?: unknown }).comments;
  if (raw && typeof raw === "object")
    for (const [id, text] of Object.entries(raw)) if (typeof text === "string") comments[id] = text;
  return { comments, requestId, decision };
}

"use client";

import { useEffect, useRef, useState } from "react";
import { postJson, type ApiErrorView } from "./api-client";

type State =
  | { kind: "undecided" }
  | { kind: "sending"; decision: "approve" | "deny" }
  | { kind: "decided"; decision: "approve" | "deny" }
  | { kind: "failed"; error: ApiErrorView };

/** Approve or deny one CLI sign-in; the outcome replaces the buttons (docs/API.md). */
export function DeviceDecision({ code }: { code: string }) {
  const [state, setState] = useState<State>({ kind: "undecided" });
  // The clicked button is disabled while sending (so focus leaves it) or replaced by the outcome:
  // focus moves to what happened, so keyboard and screen-reader users land on it.
  const message = useRef<HTMLParagraphElement>(null);
  useEffect(() => {
    if (state.kind === "decided" || state.kind === "failed") message.current?.focus();
  }, [state]);
  const decide = async (decision: "approve" | "deny") => {
    setState({ kind: "sending", decision });
    const result = await postJson<{ decision: string }>("/api/device/decision", { code, decision });
    setState(result.ok ? { kind: "decided", decision } : { kind: "failed", error: result.error });
  };
  if (state.kind === "decided") {
    return (
      <p
        ref={message}
        tabIndex={-1}
        role="status"
        data-testid="device-outcome"
        className={`rounded-md border px-3 py-2 text-sm ${state.decision === "approve" ? "border-emerald-200 bg-emerald-50 text-emerald-900" : "border-slate-200 bg-slate-50 text-slate-800"}`}
      >
        {state.decision === "approve"
          ? "Approved. Your terminal is signed in; you can close this page."
          : "Denied. The terminal that asked was told no, and nothing was signed in."}
      </p>
    );
  }
  return (
    <div className="space-y-3">
      {state.kind === "failed" && (
        <p
          ref={message}
          tabIndex={-1}
          role="alert"
          className="rounded-md border border-red-200 bg-red-50 px-3 py-2 text-sm text-red-900"
          data-testid="device-decision-error"
        >
          {state.error.message}
          {state.error.requestId && (
            <span className="ml-1 text-red-800">
              (request id <code className="font-mono">{state.error.requestId}</code>)
            </span>
          )}
        </p>
      )}
      <div className="flex flex-wrap gap-2">
        <button
          type="button"
          onClick={() => void decide("approve")}
          disabled={state.kind === "sending"}
          className="rounded-md bg-indigo-600 px-4 py-2 text-sm font-medium text-white hover:bg-indigo-500 disabled:opacity-60"
          data-testid="device-approve"
        >
          {state.kind === "sending" && state.decision === "approve" ? "Approving…" : "Approve"}
        </button>
        <button
          type="button"
          onClick={() => void decide("deny")}
          disabled={state.kind === "sending"}
          className="rounded-md border border-slate-300 px-4 py-2 text-sm hover:bg-slate-100 disabled:opacity-60"
          data-testid="device-deny"
        >
          {state.kind === "sending" && state.decision === "deny" ? "Denying…" : "Deny"}
        </button>
      </div>
    </div>
  );
}

"use client";

import { useState } from "react";
import { apiErrorFrom, UNREACHABLE, type ApiErrorView } from "./api-client";
import { readJsonLines } from "./read-json-lines";

interface ChainBreakView {
  kind: string;
  sequence: number | null;
  eventId: string | null;
  message: string;
}

interface ChainReportView {
  intact: boolean;
  checked: number;
  legacyEvents: number;
  unchainedEvents: number;
  breaks: number;
  firstBreak: ChainBreakView | null;
  listedBreaks: ChainBreakView[];
  head: { sequence: number; hash: string };
  durationMs: number;
}

interface Progress {
  checked: number;
  total: number;
}

type State =
  | { kind: "idle" }
  | { kind: "running"; progress: Progress | null }
  | { kind: "done"; report: ChainReportView }
  | { kind: "failed"; error: ApiErrorView };

type StreamLine = { progress?: Progress; report?: ChainReportView; error?: unknown };

/**
 * Runs a verification with progress: the server streams how far the walk has come, then the
 * report. Returns the final state.
 */
async function verify(onProgress: (p: Progress) => void): Promise<State> {
  let response: Response;
  try {
    response = await fetch("/api/admin/audit/verify", {
      method: "POST",
      headers: { Accept: "application/x-ndjson" },
      cache: "no-store",
    });
  } catch {
    return { kind: "failed", error: UNREACHABLE };
  }
  if (!response.ok || !response.body) {
    const json: unknown = await response.json().catch(() => null);
    return { kind: "failed", error: apiErrorFrom(response, json) };
  }
  try {
    for await (const line of readJsonLines(response.body)) {
      const { progress, report, error } = line as StreamLine;
      if (progress) onProgress(progress);
      if (report) return { kind: "done", report };
      if (error) return { kind: "failed", error: apiErrorFrom(response, line) };
    }
  } catch {
    // The connection dropped mid-walk: fall through.
  }
  return {
    kind: "failed",
    error: {
      ...UNREACHABLE,
      message: "The verification was cut off before it finished. Try again.",
    },
  };
}

/** "Verify integrity": recomputes the whole hash chain on the server and shows what broke. */
export function AuditVerifyButton() {
  const [state, setState] = useState<State>({ kind: "idle" });
  const run = async () => {
    setState({ kind: "running", progress: null });
    setState(await verify((progress) => setState({ kind: "running", progress })));
  };
  return (
    <div className="max-w-md text-sm" data-testid="audit-verify">
      <button
        type="button"
        onClick={() => void run()}
        disabled={state.kind === "running"}
        className="rounded-md border border-slate-300 bg-white px-3 py-2 font-medium hover:bg-slate-100 disabled:opacity-60"
      >
        {state.kind === "running" ? "Verifying…" : "Verify integrity"}
      </button>
      {state.kind === "running" && state.progress && <ProgressView progress={state.progress} />}
      {state.kind === "done" && <ReportView report={state.report} />}
      {state.kind === "failed" && (
        <p className="mt-2 text-red-700" role="alert">
          {state.error.message}
          {state.error.requestId ? ` (request ${state.error.requestId})` : ""}
        </p>
      )}
    </div>
  );
}

function ProgressView({ progress }: { progress: Progress }) {
  const total = Math.max(progress.total, 1);
  return (
    <div className="mt-2" role="status" data-testid="audit-verify-progress">
      <progress className="h-2 w-full" max={total} value={progress.checked} />
      <p className="mt-1 text-slate-600">
        {progress.checked.toLocaleString("en")} of {progress.total.toLocaleString("en")} events
        checked…
      </p>
    </div>
  );
}

function ReportView({ report }: { report: ChainReportView }) {
  const counts = `${report.checked.toLocaleString("en")} chained event${report.checked === 1 ? "" : "s"} checked in ${(report.durationMs / 1000).toFixed(1)} s${
    report.legacyEvents
      ? `; ${report.legacyEvents.toLocaleString("en")} older events predate the chain`
      : ""
  }.`;
  return (
    <div
      className={`mt-2 rounded-md border p-3 ${report.intact ? "border-emerald-200 bg-emerald-50 text-emerald-900" : "border-red-200 bg-red-50 text-red-900"}`}
      role="status"
      data-testid="audit-verify-result"
      data-intact={report.intact}
    >
      <p className="font-semibold">
        {report.intact
          ? "Intact: no event was changed, removed or inserted."
          : `Broken: ${report.breaks} problem(s) found.`}
      </p>
      {report.listedBreaks.length === 1 && (
        <p className="mt-1">First: {report.listedBreaks[0]!.message}</p>
      )}
      {report.listedBreaks.length > 1 && (
        // Each tampered event by its sequence, not only the first.
        <ol className="mt-1 list-decimal pl-5" data-testid="audit-verify-breaks">
          {report.listedBreaks.map((b, i) => (
            <li key={i}>{b.message}</li>
          ))}
          {report.breaks > report.listedBreaks.length && (
            <li className="list-none">
              and {(report.breaks - report.listedBreaks.length).toLocaleString("en")} more
            </li>
          )}
        </ol>
      )}
      <p className="mt-1">{counts}</p>
      <p className="mt-1 font-mono text-xs break-all">
        Head #{report.head.sequence} {report.head.hash}
      </p>
      <p className="mt-1 text-xs">
        Keep the head somewhere else: a later check should still contain it.
      </p>
    </div>
  );
}

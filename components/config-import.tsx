"use client";

import { useId, useState } from "react";
import type { DiffSummary, ImportResult } from "@/lib/config-as-code/import-config";
import { FILE_INPUT_CLASS } from "./admin-form-parts";

type Reply =
  ImportResult | { ok: false; reason: "error"; message: string; requestId: string | null };

async function post(body: unknown): Promise<Reply> {
  try {
    const res = await fetch("/admin/config/import", {
      method: "POST",
      headers: { "Content-Type": "application/json", Accept: "application/json" },
      body: JSON.stringify(body),
      cache: "no-store",
    });
    const json = (await res.json()) as Partial<ImportResult> & {
      error?: { message?: string; requestId?: string };
    };
    if ("reason" in json || json.ok === true) return json as ImportResult;
    return {
      ok: false,
      reason: "error",
      message: json.error?.message ?? `The request failed (HTTP ${res.status}).`,
      requestId: json.error?.requestId ?? res.headers.get("x-request-id"),
    };
  } catch {
    return {
      ok: false,
      reason: "error",
      message: "The portal could not be reached.",
      requestId: null,
    };
  }
}

/** Upload or paste a file → dry run (the diff) → apply exactly what was reviewed. */
export function ConfigImport() {
  const fieldId = useId();
  const [text, setText] = useState("");
  const [busy, setBusy] = useState(false);
  const [reply, setReply] = useState<Reply | null>(null);
  const [reviewed, setReviewed] = useState<{ text: string; hash: string } | null>(null);

  async function dryRun() {
    setBusy(true);
    const result = await post({ mode: "dry-run", text });
    setReply(result);
    setReviewed(result.ok && !result.applied ? { text, hash: result.diff.hash } : null);
    setBusy(false);
  }

  async function apply() {
    if (!reviewed) return;
    setBusy(true);
    const result = await post({ mode: "apply", text: reviewed.text, expectedHash: reviewed.hash });
    setReply(result);
    setReviewed(
      result.ok || result.reason !== "stale"
        ? null
        : { text: reviewed.text, hash: result.diff.hash },
    );
    setBusy(false);
  }

  const canApply =
    reviewed !== null &&
    reviewed.text === text &&
    reply !== null &&
    "diff" in reply &&
    reply.diff.total > 0;
  return (
    <section className="space-y-4 rounded-xl border border-slate-200 bg-white p-6 shadow-sm">
      <h2 className="text-lg font-semibold">Import</h2>
      <p className="text-sm text-slate-600">
        A file is the whole configuration: accounts, roles and rules it leaves out are removed.
        Review the dry run, then apply: everything changes in one transaction, or nothing does.
      </p>
      <div className="space-y-1">
        <label htmlFor={`${fieldId}-file`} className="block text-sm font-medium text-slate-800">
          Configuration file (YAML or JSON)
        </label>
        <input
          id={`${fieldId}-file`}
          type="file"
          accept=".yaml,.yml,.json,application/json,application/yaml,text/yaml"
          className={FILE_INPUT_CLASS}
          data-testid="config-file"
          onChange={(e) => {
            const file = e.target.files?.[0];
            if (file) void file.text().then((t) => setText(t));
          }}
        />
      </div>
      <div className="space-y-1">
        <label htmlFor={`${fieldId}-text`} className="block text-sm font-medium text-slate-800">
          …or paste the configuration (YAML or JSON)
        </label>
        <textarea
          id={`${fieldId}-text`}
          value={text}
          onChange={(e) => setText(e.target.value)}
          rows={12}
          spellCheck={false}
          className="w-full rounded-md border border-slate-300 px-3 py-2 font-mono text-xs"
          data-testid="config-text"
        />
      </div>
      <div className="flex gap-3">
        <button
          type="button"
          disabled={busy || text.trim() === ""}
          onClick={() => void dryRun()}
          className="rounded-md border border-slate-300 px-4 py-2 text-sm font-medium hover:bg-slate-50 disabled:opacity-50"
        >
          Dry run
        </button>
        <button
          type="button"
          disabled={busy || !canApply}
          onClick={() => void apply()}
          className="rounded-md bg-indigo-600 px-4 py-2 text-sm font-medium text-white hover:bg-indigo-500 disabled:opacity-50"
        >
          Apply
        </button>
      </div>
      {reply && <ImportReply reply={reply} />}
    </section>
  );
}

function ImportReply({ reply }: { reply: Reply }) {
  if (reply.ok)
    return reply.applied ? (
      <div
        role="status"
        className="rounded-md border border-emerald-200 bg-emerald-50 p-3 text-sm text-emerald-800"
      >
        Imported: {reply.diff.total} change{reply.diff.total === 1 ? "" : "s"} applied and audited.
      </div>
    ) : (
      <DiffView diff={reply.diff} />
    );
  if (reply.reason === "stale")
    return (
      <div className="space-y-3">
        <p
          role="alert"
          className="rounded-md border border-amber-200 bg-amber-50 p-3 text-sm text-amber-900"
        >
          The configuration changed since your dry run, so nothing was applied. This is the diff as
          it is now: review it and apply again.
        </p>
        <DiffView diff={reply.diff} />
      </div>
    );
  if (reply.reason === "error")
    return (
      <p
        role="alert"
        className="rounded-md border border-red-200 bg-red-50 p-3 text-sm text-red-800"
      >
        {reply.message}{" "}
        {reply.requestId && <span className="font-mono text-xs">({reply.requestId})</span>}
      </p>
    );
  return (
    <div
      role="alert"
      className="rounded-md border border-red-200 bg-red-50 p-3 text-sm text-red-800"
    >
      <p className="font-medium">
        Nothing was imported: {reply.problemCount} problem{reply.problemCount === 1 ? "" : "s"} in
        the file.
      </p>
      <ul className="mt-2 space-y-1" data-testid="config-problems">
        {reply.problems.map((p, i) => (
          <li key={i}>
            <FileLocation line={p.line} path={p.path} />: {p.message}
          </li>
        ))}
      </ul>
    </div>
  );
}

function DiffView({ diff }: { diff: DiffSummary }) {
  if (diff.total === 0)
    return (
      <p className="text-sm text-slate-600">
        No changes: the database already holds this configuration.
      </p>
    );
  return (
    <div className="space-y-2 text-sm" data-testid="config-diff">
      <p>
        {(["account", "role", "rule"] as const)
          .map(
            (k) =>
              `${k}s +${diff.counts[k].added} ~${diff.counts[k].changed} −${diff.counts[k].removed}`,
          )
          .join(" · ")}
      </p>
      <RemovedRequestsNote diff={diff} />
      <WarningsNote diff={diff} />
      <ul className="max-h-96 space-y-1 overflow-auto font-mono text-xs">
        {diff.changes.map((c) => (
          <li key={`${c.kind}:${c.key}`}>
            <span
              className={
                c.op === "removed"
                  ? "text-red-700"
                  : c.op === "added"
                    ? "text-emerald-700"
                    : "text-amber-700"
              }
            >
              {c.op}
            </span>{" "}
            {c.label}
            {c.fields.map((f) => (
              <div key={f.field} className="pl-6 text-slate-600">
                {f.field}: {JSON.stringify(f.before)} → {JSON.stringify(f.after)}
              </div>
            ))}
          </li>
        ))}
      </ul>
      {diff.truncated && (
        <p className="text-slate-500">…and {diff.total - diff.changes.length} more.</p>
      )}
    </div>
  );
}

/** Valid but likely not meant: rules whose sessions the role's maximum caps (as the editors warn). */
function WarningsNote({ diff }: { diff: DiffSummary }) {
  if (diff.warnings.length === 0) return null;
  return (
    <CautionNote testId="config-warnings">
      <p className="font-medium">Check before applying:</p>
      <ul className="mt-1 list-disc space-y-0.5 pl-5">
        {diff.warnings.map((w, i) => (
          <li key={i}>
            <FileLocation line={w.line} path={w.path} />: {w.message}
          </li>
        ))}
      </ul>
    </CautionNote>
  );
}

/** Where in the file a problem or warning is: its line, when known, and its path. */
function FileLocation({ line, path }: { line: number | null; path: string }) {
  return (
    <>
      {line !== null && <span className="font-mono text-xs">line {line} · </span>}
      <span className="font-mono text-xs">{path}</span>
    </>
  );
}

/** An amber note of something to check before applying. */
function CautionNote({ testId, children }: { testId: string; children: React.ReactNode }) {
  return (
    <div
      role="note"
      className="rounded-md border border-amber-200 bg-amber-50 p-3 text-amber-900"
      data-testid={testId}
    >
      {children}
    </div>
  );
}

const plural = (n: number, word: string) => `${n} ${word}${n === 1 ? "" : "s"}`;

/** What removed roles take with them: their access requests, which nothing else would show. */
function RemovedRequestsNote({ diff }: { diff: DiffSummary }) {
  if (diff.removedRequests.length === 0) return null;
  return (
    <CautionNote testId="config-removed-requests">
      <p className="font-medium">
        Removing these roles also deletes their access requests and the approvals on them (the audit
        log keeps their events):
      </p>
      <ul className="mt-1 list-disc space-y-0.5 pl-5">
        {diff.removedRequests.map((r) => (
          <li key={r.role}>
            <span className="font-mono text-xs">{r.role}</span>: {plural(r.total, "request")}
            {r.pending > 0 && `, ${r.pending} pending (never answered)`}
            {r.approved > 0 &&
              `, ${plural(r.approved, "approved elevation")} not yet ended (they end now)`}
          </li>
        ))}
      </ul>
    </CautionNote>
  );
}

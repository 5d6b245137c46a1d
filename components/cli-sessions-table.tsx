"use client";

import { useEffect, useRef, useState } from "react";
import { ApiErrorAlert } from "./api-error-alert";
import { apiErrorFrom, UNREACHABLE, type ApiErrorView } from "./api-client";
import { formatUtc, UtcTime } from "./utc-time";

const ALL = "all";

/** One CLI session as the pages list it (no token, ever). */
export interface CliSessionRow {
  id: string;
  deviceName: string;
  clientAddress: string | null;
  createdAt: string;
  expiresAt: string;
  lastUsedAt: string | null;
  lastUsedAddress: string | null;
  mfaAuthenticated: boolean;
  /** Shown on the admin list only. */
  owner?: string;
}

/**
 * The live CLI sessions with a Revoke button each; a revoked one leaves the list. `revokeAll` (the
 * person's own page) adds a confirmed "Revoke all".
 */
export function CliSessionsTable({
  sessions,
  revokeAll = false,
}: {
  sessions: CliSessionRow[];
  revokeAll?: boolean;
}) {
  const [revoked, setRevoked] = useState<ReadonlySet<string>>(new Set());
  const [error, setError] = useState<ApiErrorView | null>(null);
  const [busy, setBusy] = useState<string | null>(null);
  const [confirmingAll, setConfirmingAll] = useState(false);
  // The Revoke button pressed leaves with its row: focus goes to the message saying what happened.
  const outcome = useRef<HTMLParagraphElement>(null);
  const [focusOutcome, setFocusOutcome] = useState(0);
  useEffect(() => {
    if (focusOutcome > 0) outcome.current?.focus();
  }, [focusOutcome]);
  const send = async (path: string, ids: string[]) => {
    setBusy(ids.length === 1 ? ids[0]! : ALL);
    setError(null);
    try {
      const response = await fetch(path, { method: "DELETE", cache: "no-store" });
      if (response.ok) setRevoked((s) => new Set([...s, ...ids]));
      else setError(apiErrorFrom(response, await response.json().catch(() => null)));
    } catch {
      setError(UNREACHABLE);
    } finally {
      setBusy(null);
      setConfirmingAll(false);
      setFocusOutcome((n) => n + 1);
    }
  };
  const revoke = (id: string) => send(`/api/cli-sessions/${encodeURIComponent(id)}`, [id]);
  const live = sessions.filter((s) => !revoked.has(s.id));
  return (
    <div className="space-y-3">
      <div ref={outcome} tabIndex={-1} className="space-y-3 outline-none">
        {error && <ApiErrorAlert error={error} />}
        {revoked.size > 0 && (
          <p role="status" className="text-sm text-emerald-800" data-testid="cli-session-revoked">
            {live.length === 0 && revoked.size > 1
              ? "Revoked every terminal: the next command from any of them is refused."
              : "Revoked: the next command from that terminal is refused."}
          </p>
        )}
      </div>
      {revokeAll && live.length > 1 && (
        <div className="flex flex-wrap items-center gap-2 text-sm">
          {confirmingAll ? (
            <>
              <span data-testid="cli-sessions-revoke-all-question">
                Revoke all {live.length} terminals? Each must run gatehouse login again.
              </span>
              <button
                type="button"
                autoFocus
                onClick={() =>
                  void send(
                    "/api/cli-sessions",
                    live.map((s) => s.id),
                  )
                }
                disabled={busy !== null}
                className="rounded-md bg-red-600 px-3 py-1 font-medium text-white hover:bg-red-500 disabled:opacity-60"
                data-testid="cli-sessions-revoke-all-confirm"
              >
                {busy === ALL ? "Revoking…" : `Revoke all ${live.length}`}
              </button>
              <button
                type="button"
                onClick={() => setConfirmingAll(false)}
                disabled={busy !== null}
                className="rounded-md border border-slate-300 px-3 py-1 hover:bg-slate-100"
              >
                Cancel
              </button>
            </>
          ) : (
            <button
              type="button"
              onClick={() => setConfirmingAll(true)}
              className="rounded-md border border-red-300 px-3 py-1 text-red-700 hover:bg-red-50"
              data-testid="cli-sessions-revoke-all"
            >
              Revoke all…
            </button>
          )}
        </div>
      )}
      {live.length === 0 ? (
        <p className="text-sm text-slate-600" data-testid="cli-sessions-empty">
          No terminal is signed in.
        </p>
      ) : (
        <div className="overflow-x-auto rounded-lg border border-slate-200 bg-white">
          <table className="min-w-full text-left text-sm" data-testid="cli-sessions">
            <thead className="bg-slate-50 text-xs text-slate-500 uppercase">
              <tr>
                {sessions.some((s) => s.owner !== undefined) && (
                  <th className="px-3 py-2">Person</th>
                )}
                <th className="px-3 py-2">Device</th>
                <th className="px-3 py-2">Signed in</th>
                <th className="px-3 py-2">Last used</th>
                <th className="px-3 py-2">Expires</th>
                <th className="px-3 py-2">MFA</th>
                <th className="px-3 py-2" />
              </tr>
            </thead>
            <tbody className="divide-y divide-slate-100">
              {live.map((s) => (
                <tr key={s.id} data-testid="cli-session" data-token-id={s.id}>
                  {s.owner !== undefined && <td className="px-3 py-2">{s.owner}</td>}
                  <td className="px-3 py-2">
                    <div>{s.deviceName}</div>
                    <div className="font-mono text-xs text-slate-500">{s.id}</div>
                  </td>
                  <td className="px-3 py-2 whitespace-nowrap">
                    <UtcTime value={s.createdAt} />
                    <div className="text-xs text-slate-500">
                      {s.clientAddress ?? "unknown address"}
                    </div>
                  </td>
                  <td className="px-3 py-2 whitespace-nowrap">
                    {s.lastUsedAt ? <UtcTime value={s.lastUsedAt} /> : "never"}
                    {s.lastUsedAddress && (
                      <div className="text-xs text-slate-500">{s.lastUsedAddress}</div>
                    )}
                  </td>
                  <td className="px-3 py-2 whitespace-nowrap">
                    <UtcTime value={s.expiresAt} />
                  </td>
                  <td className="px-3 py-2">{s.mfaAuthenticated ? "yes" : "no"}</td>
                  <td className="px-3 py-2 text-right">
                    <button
                      type="button"
                      onClick={() => void revoke(s.id)}
                      disabled={busy === s.id}
                      // Several terminals of one machine share its name: the time tells them apart.
                      aria-label={`Revoke ${s.deviceName}, signed in ${formatUtc(s.createdAt, "second")}`}
                      className="rounded-md border border-red-300 px-3 py-1 text-red-700 hover:bg-red-50 disabled:opacity-60"
                      data-testid="cli-session-revoke"
                    >
                      {busy === s.id ? "Revoking…" : "Revoke"}
                    </button>
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
    </div>
  );
}

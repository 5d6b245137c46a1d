"use client";

import { useState } from "react";
import { ApiErrorAlert } from "./api-error-alert";
import { apiErrorFrom, UNREACHABLE, type ApiErrorView } from "./api-client";
import { UtcTime } from "./utc-time";

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

/** The live CLI sessions with a Revoke button each; a revoked one leaves the list. */
export function CliSessionsTable({ sessions }: { sessions: CliSessionRow[] }) {
  const [revoked, setRevoked] = useState<ReadonlySet<string>>(new Set());
  const [error, setError] = useState<ApiErrorView | null>(null);
  const [busy, setBusy] = useState<string | null>(null);
  const revoke = async (id: string) => {
    setBusy(id);
    setError(null);
    try {
      const response = await fetch(`/api/cli-sessions/${encodeURIComponent(id)}`, {
        method: "DELETE",
        cache: "no-store",
      });
      if (response.ok) setRevoked((s) => new Set([...s, id]));
      else setError(apiErrorFrom(response, await response.json().catch(() => null)));
    } catch {
      setError(UNREACHABLE);
    } finally {
      setBusy(null);
    }
  };
  const live = sessions.filter((s) => !revoked.has(s.id));
  return (
    <div className="space-y-3">
      {error && <ApiErrorAlert error={error} />}
      {revoked.size > 0 && (
        <p role="status" className="text-sm text-emerald-800" data-testid="cli-session-revoked">
          Revoked: the next command from that terminal is refused.
        </p>
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
                      aria-label={`Revoke ${s.deviceName}`}
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

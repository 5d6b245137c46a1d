import Link from "next/link";
import type { DiscoveryRunSummary, RunStatus } from "@/lib/discovery/runs";
import { formatNumber, triggerLabel } from "./discovery-wording";
import { formatUtc } from "../utc-time";

/** A run as the table lists it; `changes` is null while the run reads (or when it stopped). */
export type DiscoveryRunRow = DiscoveryRunSummary;

const STATUS_STYLE: Record<RunStatus, string> = {
  running: "bg-indigo-50 text-indigo-700 ring-indigo-600/30",
  complete: "bg-emerald-50 text-emerald-800 ring-emerald-600/30",
  failed: "bg-red-50 text-red-700 ring-red-600/30",
  interrupted: "bg-amber-50 text-amber-800 ring-amber-600/30",
};

function changesText(changes: DiscoveryRunRow["changes"]): string {
  if (!changes) return "—";
  if (changes.total === 0) return "none";
  return changes.pending === 0
    ? `${formatNumber(changes.total)}, all applied`
    : `${formatNumber(changes.total)} (${formatNumber(changes.pending)} pending)`;
}

/** The latest discovery runs, newest first; each opens with ?run=<id>. */
export function DiscoveryRunsTable({
  runs,
  selectedId,
}: {
  runs: DiscoveryRunRow[];
  selectedId: string | null;
}) {
  return (
    <div className="overflow-x-auto rounded-lg border border-slate-200 bg-white">
      <table className="min-w-full text-left text-sm" data-testid="discovery-runs">
        <thead className="bg-slate-50 text-xs text-slate-500 uppercase">
          <tr>
            <th className="px-3 py-2">Started</th>
            <th className="px-3 py-2">Status</th>
            <th className="px-3 py-2">Trigger</th>
            <th className="px-3 py-2">By</th>
            <th className="px-3 py-2 text-right">Accounts</th>
            <th className="px-3 py-2">Changes</th>
            <th className="px-3 py-2 text-right">Retries</th>
          </tr>
        </thead>
        <tbody className="divide-y divide-slate-100">
          {runs.map((r) => {
            const isSelected = r.id === selectedId;
            return (
              <tr
                key={r.id}
                className={isSelected ? "bg-indigo-50/50" : undefined}
                data-testid="discovery-run-row"
                data-run-id={r.id}
                data-status={r.status}
              >
                <td className="px-3 py-2 whitespace-nowrap">
                  <Link
                    href={`/admin/accounts/discover?run=${encodeURIComponent(r.id)}`}
                    aria-current={isSelected ? "page" : undefined}
                    className="font-medium text-indigo-700 hover:underline"
                  >
                    {formatUtc(r.startedAt)}
                  </Link>
                </td>
                <td className="px-3 py-2">
                  <span
                    className={`rounded-full px-2 py-0.5 text-xs font-medium ring-1 ring-inset ${STATUS_STYLE[r.status]}`}
                  >
                    {r.status}
                  </span>
                </td>
                <td className="px-3 py-2 whitespace-nowrap">{triggerLabel(r.trigger)}</td>
                <td className="px-3 py-2">{r.startedBy ?? "—"}</td>
                <td className="px-3 py-2 text-right whitespace-nowrap tabular-nums">
                  {r.status === "running"
                    ? `${formatNumber(r.accountsDone)} of ${formatNumber(r.accountsTotal)}`
                    : formatNumber(r.accountsDone)}
                </td>
                <td className="px-3 py-2 whitespace-nowrap">{changesText(r.changes)}</td>
                <td className="px-3 py-2 text-right tabular-nums">{formatNumber(r.retries)}</td>
              </tr>
            );
          })}
        </tbody>
      </table>
    </div>
  );
}

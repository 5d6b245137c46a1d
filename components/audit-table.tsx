import type { AuditEventView } from "@/lib/audit/find-audit-events";

const OUTCOME_STYLE: Record<string, string> = {
  success: "text-emerald-700",
  denied: "text-amber-700",
  error: "text-red-700",
};

export function AuditTable({ events }: { events: AuditEventView[] }) {
  return (
    <div className="mt-6 overflow-x-auto rounded-xl border border-slate-200 bg-white shadow-sm">
      <table className="min-w-full text-left text-sm" data-testid="audit-table">
        <thead className="bg-slate-50 text-xs tracking-wide text-slate-500 uppercase">
          <tr>
            <th className="px-3 py-2">#</th>
            <th className="px-3 py-2">Time</th>
            <th className="px-3 py-2">Action</th>
            <th className="px-3 py-2">Outcome</th>
            <th className="px-3 py-2">Who</th>
            <th className="px-3 py-2">Account / role</th>
            <th className="px-3 py-2">Session</th>
            <th className="px-3 py-2">Access key</th>
            <th className="px-3 py-2">Details</th>
          </tr>
        </thead>
        <tbody className="divide-y divide-slate-100">
          {events.map((e) => (
            <tr
              key={e.id}
              className="align-top"
              data-testid="audit-row"
              data-action={e.action}
              data-id={e.id}
              data-sequence={e.sequence ?? ""}
            >
              <td className="px-3 py-2 font-mono text-xs text-slate-500">{e.sequence ?? "—"}</td>
              <td className="px-3 py-2 font-mono text-xs whitespace-nowrap">
                {e.createdAt.toISOString().replace("T", " ").slice(0, 19)}
              </td>
              <td className="px-3 py-2 whitespace-nowrap">{e.action}</td>
              <td className={`px-3 py-2 ${OUTCOME_STYLE[e.outcome] ?? ""}`}>{e.outcome}</td>
              <td className="px-3 py-2">{e.actorEmail ?? e.actorSubject ?? "—"}</td>
              <td className="px-3 py-2 font-mono text-xs">{e.roleArn ?? e.awsAccountId ?? "—"}</td>
              <td className="px-3 py-2 font-mono text-xs">
                {e.roleSessionName ?? "—"}
                {e.durationSeconds ? ` (${e.durationSeconds}s)` : ""}
              </td>
              <td className="px-3 py-2 font-mono text-xs">{e.accessKeyId ?? "—"}</td>
              <td className="max-w-xs px-3 py-2 text-xs break-words text-slate-600">
                {Object.entries(e.details)
                  .map(([k, v]) => `${k}: ${formatDetail(v)}`)
                  .join(" · ")}
                <div className="text-slate-400">
                  req {e.requestId}
                  {e.ip ? ` · ${e.ip}` : ""}
                </div>
              </td>
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}

function formatDetail(value: unknown): string {
  if (typeof value === "string") return value;
  return JSON.stringify(value) ?? "—";
}

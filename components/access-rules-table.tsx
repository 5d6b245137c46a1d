import type { ReviewedRule } from "@/lib/access-review/reviewed-rules";
import { formatDuration } from "./format-duration";
import { UtcTime } from "./utc-time";

const yes = (b: boolean) => (b ? "yes" : "—");

/** The rules behind a role, with each group's known members (as last asserted at their sign-in). */
export function AccessRulesTable({
  rules,
  verdicts,
}: {
  rules: ReviewedRule[];
  verdicts?: Map<string, string>;
}) {
  if (rules.length === 0)
    return <p className="px-4 py-3 text-sm text-slate-500">No rules grant this role.</p>;
  return (
    // Fixed column widths: the tables of consecutive roles line up with each other.
    <table className="w-full table-fixed text-left text-sm" data-testid="access-rules">
      <colgroup>
        <col className="w-[22%]" />
        <col className="w-[15%]" />
        <col className="w-[8%]" />
        <col className="w-[6%]" />
        <col className="w-[9%]" />
        <col className="w-[12%]" />
        <col />
      </colgroup>
      <thead className="bg-slate-50 text-xs tracking-wide text-slate-500 uppercase">
        <tr>
          <th className="px-3 py-2">Subject</th>
          <th className="px-3 py-2">Expires</th>
          <th className="px-3 py-2">Console</th>
          <th className="px-3 py-2">CLI</th>
          <th className="px-3 py-2">MFA</th>
          <th className="px-3 py-2 text-right whitespace-nowrap">Max session</th>
          <th className="px-3 py-2">{verdicts ? "For this user" : "Known members"}</th>
        </tr>
      </thead>
      <tbody className="divide-y divide-slate-100">
        {rules.map((r) => (
          <tr
            key={r.id}
            data-testid="access-rule-row"
            className={r.isExpired ? "text-slate-500" : ""}
          >
            <td className="px-3 py-2 wrap-anywhere">
              <span className="text-xs text-slate-500">{r.subjectKind}</span> {r.subject}
              {r.access === "eligible" && (
                <span
                  className="ml-2 rounded bg-sky-100 px-1.5 text-[11px] font-medium text-sky-800"
                  data-testid="access-rule-eligible"
                >
                  {`by request, approved by ${r.approvers ?? "nobody"}`}
                </span>
              )}
              {r.description && <p className="text-xs text-slate-500">{r.description}</p>}
            </td>
            <td className="px-3 py-2 font-mono text-xs [&_time]:whitespace-nowrap">
              {r.expiresAt ? <UtcTime value={r.expiresAt} /> : "never"}
              {r.isExpired && " (expired)"}
            </td>
            <td className="px-3 py-2">{yes(r.allowConsole)}</td>
            <td className="px-3 py-2">{yes(r.allowCli)}</td>
            <td className="px-3 py-2">{r.requireMfa ? "required" : "—"}</td>
            <td
              className="px-3 py-2 text-right whitespace-nowrap tabular-nums"
              title={`${r.maxSessionDurationSeconds} s`}
            >
              {formatDuration(r.maxSessionDurationSeconds)}
            </td>
            <td className="px-3 py-2 text-xs wrap-anywhere">
              {verdicts
                ? verdicts.get(r.id)
                : r.subjectKind === "user"
                  ? r.subject
                  : r.members.map((m) => m.email ?? m.subject).join(", ") || "no known members"}
            </td>
          </tr>
        ))}
      </tbody>
    </table>
  );
}

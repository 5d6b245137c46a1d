import Link from "next/link";
import { formatDuration } from "./format-duration";
import { UtcTime } from "./utc-time";

export interface AdminRuleRow {
  id: string;
  subject: string;
  maxSessionDurationSeconds: number;
  allowConsole: boolean;
  allowCli: boolean;
  expiresAt: string | null;
  requireMfa: boolean;
  sessionPolicy: string | null;
  description: string;
  updatedBy: string | null;
  /** "eligible": granted only by an approved request (docs/ACCESS-REQUESTS.md). */
  access?: "standing" | "eligible";
  approvers?: string[];
}

/** A role's rules: who, what, how long (and whether capped), until when — expired ones marked. */
export function AdminRulesTable({
  rules,
  rolePath,
  roleMaxSeconds,
  now,
}: {
  rules: AdminRuleRow[];
  rolePath: string;
  roleMaxSeconds: number;
  now: Date;
}) {
  if (rules.length === 0)
    return <p className="px-4 py-4 text-sm text-slate-500">Nobody may assume this role yet.</p>;
  return (
    <table className="min-w-full text-left text-sm" data-testid="admin-rules-table">
      <thead className="bg-slate-50 text-xs tracking-wide text-slate-500 uppercase">
        <tr>
          <th className="px-4 py-2">Who</th>
          <th className="px-4 py-2">Allows</th>
          <th className="px-4 py-2">Session</th>
          <th className="px-4 py-2">Expires</th>
          <th className="px-4 py-2">Notes</th>
        </tr>
      </thead>
      <tbody className="divide-y divide-slate-100">
        {rules.map((rule) => {
          const expired = rule.expiresAt !== null && new Date(rule.expiresAt) <= now;
          const capped = rule.maxSessionDurationSeconds > roleMaxSeconds;
          return (
            <tr
              key={rule.id}
              data-testid="admin-rule-row"
              className={expired ? "text-slate-500" : ""}
            >
              <td className="px-4 py-3">
                <Link
                  href={`${rolePath}/rules/${rule.id}`}
                  className="font-medium text-indigo-700 hover:underline"
                >
                  {rule.subject}
                </Link>
                {rule.access === "eligible" && (
                  <span
                    className="ml-2 rounded bg-sky-100 px-1.5 text-[11px] font-medium text-sky-800"
                    title={`Granted only by an approved request; approvers: ${(rule.approvers ?? []).join(", ")}`}
                    data-testid="rule-eligible-badge"
                  >
                    by request
                  </span>
                )}
              </td>
              <td className="px-4 py-3 whitespace-nowrap">
                {[rule.allowConsole && "console", rule.allowCli && "CLI"]
                  .filter(Boolean)
                  .join(" + ")}
                {rule.requireMfa && <span className="ml-1 text-xs text-slate-500">(MFA)</span>}
              </td>
              <td className="px-4 py-3 whitespace-nowrap">
                {formatDuration(rule.maxSessionDurationSeconds)}
                {capped && (
                  <span className="block text-xs text-amber-700" title="The role's maximum caps it">
                    capped at {formatDuration(roleMaxSeconds)}
                  </span>
                )}
              </td>
              <td className="px-4 py-3 whitespace-nowrap">
                {rule.expiresAt === null ? (
                  "never"
                ) : (
                  <>
                    <UtcTime value={rule.expiresAt} />
                    {expired && (
                      <span
                        className="ml-2 rounded bg-slate-100 px-1.5 py-0.5 text-xs font-medium text-slate-600"
                        data-testid="rule-expired-badge"
                      >
                        expired
                      </span>
                    )}
                  </>
                )}
              </td>
              <td className="px-4 py-3 text-xs text-slate-500">
                {rule.sessionPolicy && <span className="mr-2">session policy</span>}
                {rule.description}
              </td>
            </tr>
          );
        })}
      </tbody>
    </table>
  );
}

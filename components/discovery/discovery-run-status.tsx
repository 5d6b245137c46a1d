import type { DiscoveryRunDetail } from "@/lib/discovery/runs";
import { counted, formatNumber } from "./discovery-wording";
import { formatUtc } from "../utc-time";

/** "12 throttled calls retried", or nothing when none were. */
function retriesText(retries: number): string | null {
  return retries === 0 ? null : `${counted(retries, "throttled call")} retried`;
}

/** A running run: how far it has read, as a bar and in words. */
export function DiscoveryProgress({ run }: { run: DiscoveryRunDetail }) {
  const isListing = run.accountsTotal === 0;
  const parts = [
    isListing
      ? "Reading the organization…"
      : `Reading accounts: ${formatNumber(run.accountsDone)} of ${formatNumber(run.accountsTotal)}`,
    counted(run.rolesSeen, "role"),
    retriesText(run.retries),
  ].filter((p): p is string => p !== null);
  const percent = isListing ? 0 : Math.round((run.accountsDone / run.accountsTotal) * 100);
  return (
    <section
      className="space-y-2 rounded-xl border border-slate-200 bg-white p-4 shadow-sm"
      data-testid="discovery-progress"
      aria-live="polite"
    >
      <div
        role="progressbar"
        aria-label="Accounts read"
        aria-valuemin={0}
        aria-valuemax={Math.max(run.accountsTotal, 1)}
        aria-valuenow={run.accountsDone}
        aria-valuetext={parts[0]}
        className="h-2 w-full overflow-hidden rounded-full bg-slate-100"
      >
        <div
          className={`h-full rounded-full bg-indigo-600 transition-[width] ${isListing ? "w-1/12 animate-pulse" : ""}`}
          style={isListing ? undefined : { width: `${percent}%` }}
        />
      </div>
      <p className="text-sm text-slate-700" data-testid="discovery-progress-text">
        {parts.join(" · ")}
      </p>
      <p className="text-xs text-slate-500">
        Started {formatUtc(run.startedAt)}. Nothing changes until you apply what it finds; you can
        leave this page, the run goes on.
      </p>
    </section>
  );
}

/** A run that stopped without finishing: what went wrong, and that nothing can be applied. */
export function DiscoveryRunFailure({ run }: { run: DiscoveryRunDetail }) {
  const message =
    run.error ||
    (run.status === "interrupted"
      ? "The run stopped reporting progress (the portal was probably restarted)."
      : "The run failed without a message.");
  return (
    <section
      role="alert"
      className="space-y-1 rounded-xl border border-red-200 bg-red-50 p-4 text-sm text-red-900"
      data-testid="discovery-run-error"
      data-status={run.status}
    >
      <p className="font-semibold">
        {run.status === "interrupted"
          ? "This discovery was interrupted."
          : "This discovery failed."}
      </p>
      <p className="break-words whitespace-pre-wrap">{message}</p>
      <p className="text-red-800">
        Read {counted(run.accountsDone, "account")} of {formatNumber(run.accountsTotal)} before it
        stopped. Nothing was changed; start a new discovery to try again.
      </p>
    </section>
  );
}

/** A complete run, in one line: what it read and how long it took AWS to answer. */
export function DiscoveryRunSummaryLine({ run }: { run: DiscoveryRunDetail }) {
  const retries = retriesText(run.retries);
  return (
    <p className="text-sm text-slate-600" data-testid="discovery-run-summary">
      Read {counted(run.accountsDone, "account")} and {counted(run.rolesSeen, "role")} in{" "}
      {counted(run.awsCalls, "AWS call")}
      {retries ? ` (${retries})` : ""}
      {run.finishedAt ? `, finished ${formatUtc(run.finishedAt)}` : ""}.
    </p>
  );
}

/** Accounts read but left alone, and why (roles that could not be read, hand-entered accounts). */
export function DiscoveryNotices({ notices }: { notices: DiscoveryRunDetail["notices"] }) {
  if (notices.length === 0) return null;
  return (
    <details
      className="rounded-lg border border-amber-200 bg-amber-50 px-3 py-2 text-sm text-amber-900"
      data-testid="discovery-notices"
    >
      <summary className="cursor-pointer font-medium">
        {counted(notices.length, "notice")}: accounts read but left alone
      </summary>
      <ul className="mt-2 space-y-1">
        {notices.map((n, i) => (
          <li key={`${n.accountId}-${i}`}>
            <span className="font-mono text-xs">{n.accountId}</span> {n.message}
          </li>
        ))}
      </ul>
    </details>
  );
}

import type { Metadata } from "next";
import { AdminPageShell } from "@/components/admin-page-shell";
import { DiscoverNowButton } from "@/components/discovery/discover-now-button";
import { DiscoveryRunView } from "@/components/discovery/discovery-run-view";
import { DiscoveryRunsTable } from "@/components/discovery/discovery-runs-table";
import { requirePrivilegedPage } from "@/lib/auth/privilege-guard";
import { currentTime } from "@/lib/clock";
import { getConfig } from "@/lib/config";
import { getDb } from "@/lib/db/client";
import { listDiscoveryRuns } from "@/lib/discovery/runs";
import { ACCOUNTS_CRUMB } from "../load-admin-page";

export const metadata: Metadata = { title: "Discover accounts" };
export const dynamic = "force-dynamic";

/** Runs listed: enough to compare the last few. */
const RECENT_RUNS = 10;

type SearchParams = Promise<Record<string, string | string[] | undefined>>;

/**
 * Account and role discovery (docs/DISCOVERY.md): start a run, watch it read, then review and
 * apply what it found. ?run=<id> opens a run; without it, the newest.
 */
export default async function DiscoverAccountsPage({
  searchParams,
}: {
  searchParams: SearchParams;
}) {
  const { run } = await searchParams;
  const requested = typeof run === "string" && run !== "" ? run : null;
  const { user } = await requirePrivilegedPage(
    "admin",
    requested
      ? `/admin/accounts/discover?run=${encodeURIComponent(requested)}`
      : "/admin/accounts/discover",
  );
  const isConfigured = getConfig().discovery !== null;
  const runs = await listDiscoveryRuns(getDb(), currentTime(), RECENT_RUNS);
  const runId = requested ?? runs[0]?.id ?? null;
  return (
    <AdminPageShell user={user} crumbs={[ACCOUNTS_CRUMB, { label: "Discover accounts" }]} isWide>
      <div className="flex flex-wrap items-start justify-between gap-4">
        <div className="max-w-3xl">
          <h1 className="text-2xl font-semibold">Discover accounts</h1>
          <p className="mt-1 text-sm text-slate-600">
            Reads AWS Organizations and each account&apos;s roles through a read-only role, and
            lists what differs from Gatehouse. Nothing changes until you apply it; a role gone from
            AWS is marked and stops granting, never deleted. Times are UTC.
          </p>
        </div>
        {isConfigured && <DiscoverNowButton />}
      </div>
      {!isConfigured && (
        <p
          className="rounded-md border border-amber-200 bg-amber-50 px-3 py-2 text-sm text-amber-900"
          data-testid="discovery-not-configured"
        >
          Discovery is not configured. Set{" "}
          <code className="font-mono">GATEHOUSE_DISCOVERY_ORGANIZATION_ROLE_ARN</code> to the
          read-only role that reads AWS Organizations (README &ldquo;Discovering accounts&rdquo;)
          and restart the portal.
        </p>
      )}
      {runs.length > 0 ? (
        <section aria-labelledby="discovery-runs-heading" className="space-y-2">
          <h2 id="discovery-runs-heading" className="text-lg font-semibold">
            Recent runs
          </h2>
          <DiscoveryRunsTable runs={runs} selectedId={runId} />
        </section>
      ) : (
        isConfigured && (
          <p className="text-sm text-slate-600" data-testid="discovery-runs-empty">
            No discovery has run yet.
          </p>
        )
      )}
      {runId && <DiscoveryRunView key={runId} runId={runId} />}
    </AdminPageShell>
  );
}

import "server-only";
import type { DiscoveryRunRow } from "@/components/discovery/discovery-runs-table";
import type { Db } from "@/lib/db/client";
import { getDiscoveryRun, listDiscoveryRuns } from "@/lib/discovery/runs";

/** Runs listed on the page: enough to compare the last few, few enough to count each one's changes. */
const RECENT_RUNS = 10;

/**
 * The latest runs with how many changes each found and how many are still pending. A run's
 * summary carries no counts, so each complete run's detail is read for them (one change asked
 * for: only the counts are used).
 */
export async function findRecentRuns(db: Db, now: Date): Promise<DiscoveryRunRow[]> {
  const runs = await listDiscoveryRuns(db, now, RECENT_RUNS);
  return Promise.all(
    runs.map(async (run) => {
      if (run.status !== "complete") return { ...run, changes: null };
      const { counts } = await getDiscoveryRun(db, run.id, now, { limit: 1 });
      let total = 0;
      let applied = 0;
      for (const count of Object.values(counts)) {
        total += count.total;
        applied += count.applied;
      }
      return { ...run, changes: { total, pending: total - applied } };
    }),
  );
}

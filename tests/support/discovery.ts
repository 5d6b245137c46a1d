// Driving discovery over HTTP as an admin would: start a run, follow its progress until it ends,
// read every change, apply a selection (docs/DISCOVERY.md).
import { expect } from "vitest";
import type { DiscoveryRunDetail } from "@/lib/discovery/runs";
import type { PortalSession } from "./portal-client";

export async function startDiscovery(admin: PortalSession): Promise<string> {
  const res = await admin.request("/api/admin/discovery", { method: "POST" });
  const text = await res.text();
  expect(res.status, text.slice(0, 300)).toBe(202);
  return (JSON.parse(text) as { runId: string }).runId;
}

/**
 * Polls the run until it is no longer running (a bounded number of polls, each a real request: the
 * run's own pace decides, not a timer the test guesses).
 */
export async function finishedRun(
  admin: PortalSession,
  runId: string,
  query = "limit=1000",
): Promise<DiscoveryRunDetail> {
  // Each poll is a request the portal serves between the run's own work, on the same thread: the
  // pause grows (25 ms doubling to 400 ms) so that a long run is not slowed by being watched.
  for (let poll = 0; poll < 5_000; poll++) {
    const res = await admin.request(`/api/admin/discovery/${runId}?${query}`);
    const text = await res.text();
    expect(res.status, text.slice(0, 300)).toBe(200);
    const run = JSON.parse(text) as DiscoveryRunDetail;
    if (run.status !== "running") return run;
    await new Promise((resolve) => setTimeout(resolve, Math.min(25 * 2 ** poll, 400)));
  }
  throw new Error(`discovery run ${runId} did not finish`);
}

/** Every change of a run, page by page. */
export async function allChanges(admin: PortalSession, runId: string) {
  const changes: DiscoveryRunDetail["changes"] = [];
  for (let offset = 0; ; offset += 1000) {
    const res = await admin.request(`/api/admin/discovery/${runId}?offset=${offset}&limit=1000`);
    expect(res.status).toBe(200);
    const page = (await res.json()) as DiscoveryRunDetail;
    changes.push(...page.changes);
    if (offset + 1000 >= page.matching) return changes;
  }
}

export async function applyDiscovery(
  admin: PortalSession,
  runId: string,
  selection: { all: true } | { keys: string[] } | { kinds: string[] },
): Promise<{ applied: string[]; skipped: Array<{ key: string; reason: string }> }> {
  const res = await admin.request(`/api/admin/discovery/${runId}/apply`, {
    method: "POST",
    json: selection,
  });
  const text = await res.text();
  expect(res.status, text.slice(0, 300)).toBe(200);
  return JSON.parse(text) as { applied: string[]; skipped: Array<{ key: string; reason: string }> };
}

// /api/metrics as a Prometheus operator wires it (docs/OPERATIONS.md "Metrics"): an exposition a
// strict parser accepts, every series an alert can name present from the start, counters that only
// go up, label values from small known sets, and the documented metrics exactly the served ones.
import fs from "node:fs";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it, onTestFinished } from "vitest";
import { ROOT, type RunningPortal } from "@/dev/local-stack";
import { cliTokenFor, decide, pollCliToken, startCliSignIn, v1 } from "../support/cli-auth";
import { roleIdOf, signIn, signOut, type PortalSession } from "../support/portal-client";
import { parseExposition, type Family } from "../support/prometheus-text";
import { startReplica, startTestStack, TEST_RATE_LIMITS, type TestStack } from "../support/stack";

const RATE_LIMITS_ANSWERING_429 = [
  "signin",
  "saml",
  "issue",
  "issue-address",
  "device",
  "device-approval",
  "api",
];

let stack: TestStack;
let bob: PortalSession;

beforeAll(async () => {
  stack = await startTestStack();
  bob = await signIn(stack, "bob");
});
afterAll(async () => {
  await stack?.stop();
});

async function scrape(url = stack.portalUrl): Promise<Map<string, Family>> {
  const res = await fetch(`${url}/api/metrics`);
  expect(res.status).toBe(200);
  return parseExposition(await res.text());
}

/** One series' value, or undefined when the series is not exported. */
function valueOf(
  families: Map<string, Family>,
  name: string,
  labels: Record<string, string> = {},
): number | undefined {
  return families
    .get(name)
    ?.samples.find(
      (s) =>
        Object.entries(labels).every(([k, v]) => s.labels[k] === v) &&
        Object.keys(s.labels).length === Object.keys(labels).length,
    )?.value;
}

/** The metric names and types in the table of docs/OPERATIONS.md "Metrics". */
function documentedMetrics(): Map<string, string> {
  const doc = fs.readFileSync(path.join(ROOT, "docs", "OPERATIONS.md"), "utf8");
  const section = doc.slice(doc.indexOf("## Metrics"), doc.indexOf("## Shutdown"));
  const rows = section.split("\n").filter((line) => /^\| `gatehouse_/.test(line));
  return new Map(
    rows.map((row) => {
      const [name, type] = row
        .split("|")
        .slice(1, 3)
        .map((cell) => cell.trim());
      return [name!.replace(/`/g, ""), type!];
    }),
  );
}

describe("/api/metrics for a Prometheus scraper", () => {
  it("parses strictly: HELP and TYPE for each family, counters *_total, histograms consistent, base units, bounded labels", async () => {
    const developer = await roleIdOf(stack, "acme-staging", "Developer");
    expect(
      (await bob.request(`/api/roles/${developer}/credentials`, { method: "POST" })).status,
    ).toBe(200);
    const families = await scrape();
    expect(families.get("gatehouse_sts_request_duration_seconds")?.samples.length).toBeGreaterThan(
      0,
    );
    for (const family of families.values()) {
      // Base units: seconds and bytes, never milliseconds.
      expect(family.name).not.toMatch(/_(ms|milliseconds|kb|mb)(_|$)/);
      if (family.type === "histogram") expect(family.name).toMatch(/_(seconds|bytes)$/);
      for (const sample of family.samples)
        for (const [label, value] of Object.entries(sample.labels))
          if (family.name.startsWith("gatehouse_"))
            // No ids, ARNs or addresses of people as label values: a few known words only.
            expect(value, `${family.name}{${label}}`).toMatch(
              label === "endpoint"
                ? /^[\w.-]+(:\d+)?$/
                : /^(\d+(\.\d+)?|\+Inf|[A-Za-z][A-Za-z-]{0,30})$/,
            );
    }
  });

  it("counters never go down between scrapes", async () => {
    const before = await scrape();
    expect((await bob.request("/accounts")).status).toBe(200);
    const after = await scrape();
    const key = (name: string, labels: Record<string, string>) =>
      `${name}${JSON.stringify(Object.entries(labels).sort())}`;
    const later = new Map(
      [...after.values()].flatMap((f) => f.samples.map((s) => [key(s.name, s.labels), s.value])),
    );
    for (const family of before.values()) {
      if (family.type !== "counter" && family.type !== "histogram") continue;
      for (const sample of family.samples) {
        const id = key(sample.name, sample.labels);
        expect(later.get(id), id).toBeGreaterThanOrEqual(sample.value);
      }
    }
  });

  describe("a fresh replica", () => {
    let replica: RunningPortal;
    let firstScrape: string;

    beforeAll(async () => {
      // One request over the device limit is refused: the rate-limit counter's test below.
      const limits = TEST_RATE_LIMITS.replace(/\bdevice=\d+\/60/, "device=1/60");
      replica = await startReplica(stack, { GATEHOUSE_RATE_LIMITS: limits });
      const res = await fetch(`${replica.url}/api/metrics`);
      expect(res.status).toBe(200);
      firstScrape = await res.text();
    });
    afterAll(async () => {
      await replica?.stop();
    });

    it("spells not-a-number as the format does (NaN), so a strict parser reads its first scrape", () => {
      expect(firstScrape).not.toMatch(/ Nan$/m);
      expect(() => parseExposition(firstScrape)).not.toThrow();
    });

    it("every documented counter series is exported from the start, at 0", () => {
      const fresh = parseExposition(firstScrape.replace(/ Nan$/gm, " NaN"));
      for (const output of ["cli", "console"])
        for (const outcome of ["issued", "denied", "failed"])
          expect(valueOf(fresh, "gatehouse_issuances_total", { output, outcome })).toBe(0);
      for (const method of ["oidc", "saml", "cli"])
        for (const outcome of ["success", "failed"])
          expect(valueOf(fresh, "gatehouse_sign_ins_total", { method, outcome })).toBe(0);
      for (const limit of RATE_LIMITS_ANSWERING_429)
        expect(valueOf(fresh, "gatehouse_rate_limited_requests_total", { limit })).toBe(0);
      expect(valueOf(fresh, "gatehouse_audit_write_failures_total")).toBe(0);
      expect(valueOf(fresh, "gatehouse_requests_shed_total")).toBe(0);
    });

    it("counts a request a rate limit refuses under the limit's name", async () => {
      const code = () =>
        fetch(`${replica.url}/api/v1/device/code`, {
          method: "POST",
          headers: { "Content-Type": "application/x-www-form-urlencoded" },
          body: "client_id=gatehouse-cli",
        });
      // The device limit's 60-second window restarts on the clock's minute marks: a loaded run
      // once sent the second request past one, and it was counted as the first of a new window.
      // Both requests now meet a clock stopped just past a mark: a window of their own, which
      // the second request can't leave.
      stack.portalClock.advanceToJustPastMark(60_000);
      stack.portalClock.stop();
      onTestFinished(() => stack.portalClock.resume());
      expect((await code()).status).toBe(200);
      expect((await code()).status).toBe(429);
      const after = await scrape(replica.url);
      expect(valueOf(after, "gatehouse_rate_limited_requests_total", { limit: "device" })).toBe(1);
    });
  });

  it("a CLI request for a role the caller does not hold counts as a denial of its own output", async () => {
    const { token } = await cliTokenFor(stack, bob);
    const before = await scrape();
    const role = "acme-production/Administrator";
    expect(
      (await v1(stack, "/credentials", { method: "POST", token, json: { role } })).status,
    ).toBe(404);
    expect((await v1(stack, "/console", { method: "POST", token, json: { role } })).status).toBe(
      404,
    );
    const after = await scrape();
    for (const output of ["cli", "console"]) {
      const labels = { output, outcome: "denied" };
      expect(valueOf(after, "gatehouse_issuances_total", labels), output).toBe(
        valueOf(before, "gatehouse_issuances_total", labels)! + 1,
      );
    }
    expect(
      after.get("gatehouse_issuances_total")!.samples.map((s) => s.labels.output),
    ).not.toContain("other");
  });

  it("a CLI sign-in the person denies counts as a failed cli sign-in", async () => {
    const labels = { method: "cli", outcome: "failed" };
    const before = valueOf(await scrape(), "gatehouse_sign_ins_total", labels) ?? 0;
    const started = await startCliSignIn(stack);
    expect((await decide(bob, started.user_code, "deny")).status).toBe(200);
    expect(valueOf(await scrape(), "gatehouse_sign_ins_total", labels)).toBe(before + 1);
  });

  it("a CLI sign-in refused because its approving session ended counts as a failed cli sign-in, not a success", async () => {
    const count = async (outcome: string) =>
      valueOf(await scrape(), "gatehouse_sign_ins_total", { method: "cli", outcome }) ?? 0;
    const [successes, failures] = [await count("success"), await count("failed")];
    const approver = await signIn(stack, "dave");
    const started = await startCliSignIn(stack);
    expect((await decide(approver, started.user_code, "approve")).status).toBe(200);
    expect((await signOut(stack, approver)).status).toBe(200);
    const poll = await pollCliToken(stack, started.device_code);
    expect(((await poll.json()) as { error: string }).error).toBe("expired_token");
    expect(await count("failed")).toBe(failures + 1);
    expect(await count("success")).toBe(successes);
  });

  it("the metrics in docs/OPERATIONS.md are exactly the gatehouse_ metrics served, with their types", async () => {
    const served = [...(await scrape()).values()]
      .filter((f) => f.name.startsWith("gatehouse_"))
      .map((f): [string, string] => [f.name, f.type]);
    expect(new Map(served)).toEqual(documentedMetrics());
  });
});

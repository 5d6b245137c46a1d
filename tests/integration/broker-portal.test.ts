// The portal (production build) over three STS endpoints of the stand-in: issuance over HTTP fails
// over, all endpoints down is one clear aws_unavailable; the admin broker page shows the broker's
// ARN and endpoint health to an admin and is refused to everyone else.
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { demoBroker } from "@/dev/demo-world";
import {
  assumeRoleCalls,
  auditRowsFor,
  expectApiError,
  parseDetails,
  resetStsCalls,
} from "../support/portal-assertions";
import { roleIdOf, signIn, type PortalSession } from "../support/portal-client";
import { endpointsSetting } from "../support/broker-config";
import { startTestStack, type TestStack } from "../support/stack";

const NAMES = ["sts-a", "sts-b", "sts-c"] as const;

let stack: TestStack;
let alice: PortalSession;
let bob: PortalSession;
let stagingDeveloper: string;
let endpointUrls: string[];

beforeAll(async () => {
  stack = await startTestStack({
    stsEndpointNames: [...NAMES],
    envFromAws: (aws) => {
      endpointUrls = NAMES.map((n) => aws.stsEndpoints[n]!.replace(/\/+$/, ""));
      return Promise.resolve({
        // The ordered list replaces the single endpoint the stack sets by default.
        GATEHOUSE_STS_ENDPOINT: "",
        GATEHOUSE_STS_ENDPOINTS: endpointsSetting(endpointUrls),
        GATEHOUSE_STS_ATTEMPTS_PER_ENDPOINT: "2",
        // A healthy answer on a busy machine is never abandoned (which would change the counts).
        GATEHOUSE_STS_TIMEOUT_MS: "5000",
        GATEHOUSE_STS_BACKOFF_BASE_MS: "20",
        ...(demoBroker.mfaDevice
          ? { GATEHOUSE_BROKER_MFA_SERIAL: demoBroker.mfaDevice.serialNumber }
          : {}),
      });
    },
  });
  alice = await signIn(stack, "alice");
  bob = await signIn(stack, "bob");
  stagingDeveloper = await roleIdOf(stack, "acme-staging", "Developer");
});
afterAll(async () => {
  await stack?.stop();
});
beforeEach(async () => {
  await resetStsCalls(stack);
});
afterEach(() => {
  stack.aws.clearFaults();
});

function issue(session: PortalSession): Promise<Response> {
  return session.request(`/api/roles/${stagingDeveloper}/credentials`, {
    method: "POST",
    json: {},
  });
}

function countBy(records: Array<{ endpoint: string; errorCode: string | null }>) {
  const out: Record<string, number> = {};
  for (const r of records) {
    const key = `${r.endpoint}:${r.errorCode ?? "ok"}`;
    out[key] = (out[key] ?? 0) + 1;
  }
  return out;
}

describe("issuance over HTTP with failover", () => {
  it("first endpoint refusing, second throttling → credentials from the third, 2 attempts each", async () => {
    // Warm the portal's broker (identity, session) on healthy endpoints first.
    expect((await issue(bob)).status).toBe(200);
    await resetStsCalls(stack);
    stack.aws.setFault("sts-a", { refuseConnections: true });
    stack.aws.setFault("sts-b", { throttle: true });
    const res = await issue(bob);
    expect(res.status, await res.clone().text()).toBe(200);
    const body = (await res.json()) as { accessKeyId: string };
    expect(body.accessKeyId).toMatch(/^ASIA/);
    expect(countBy(await assumeRoleCalls(stack))).toEqual({
      "sts-b:Throttling": 2,
      "sts-c:ok": 1,
    });
  });

  it("every endpoint down → 503 aws_unavailable in one error, bounded, audited", async () => {
    for (const name of NAMES) stack.aws.setFault(name, { serverError: 503 });
    const res = await issue(bob);
    const body = await expectApiError(res, 503, "aws_unavailable");
    expect(body.error.message).toContain("endpoint");
    // Tripped circuits only reorder: each endpoint is still tried, twice.
    expect(countBy(await assumeRoleCalls(stack))).toEqual({
      "sts-a:ServiceUnavailable": 2,
      "sts-b:ServiceUnavailable": 2,
      "sts-c:ServiceUnavailable": 2,
    });
    const rows = await auditRowsFor(stack, res.headers.get("x-request-id"));
    const failed = rows.find((r) => r.action === "credentials.failed");
    expect(failed).toBeDefined();
    expect(String(parseDetails(failed!.detailsJson).reason)).toContain("ServiceUnavailable×2");
    // Bounded by the attempts, not by waiting out the time budget (not by this machine's speed).
    expect(String(parseDetails(failed!.detailsJson).reason)).not.toContain("time budget");
  });
});

describe("the admin broker page", () => {
  it("an admin sees the broker's ARN, credential source, MFA state and every endpoint's health", async () => {
    const res = await alice.request("/admin/broker");
    expect(res.status).toBe(200);
    const html = await res.text();
    expect(html).toContain(demoBroker.arn);
    expect(html).toContain("explicit IAM user keys");
    expect(html).toContain('data-testid="endpoint-table"');
    expect(html.match(/data-testid="endpoint-row"/g)).toHaveLength(3);
    for (const url of endpointUrls) expect(html).toContain(url);
    expect(html).toContain("No role chaining");
    expect(html).toMatch(/data-testid="broker-mfa-state"[^>]*>Locked/);
    // The failures of the suite above are visible.
    expect(html).toContain("ServiceUnavailable");
    // Never a secret.
    expect(html).not.toContain(demoBroker.secretAccessKey);
  });

  it("the header links admins to it", async () => {
    const html = await (await alice.request("/accounts")).text();
    expect(html).toContain('href="/admin/broker"');
  });

  it("the header offers the broker page to admins only", async () => {
    const accounts = await (await bob.request("/accounts")).text();
    expect(accounts).not.toContain('href="/admin/broker"');
  });
});

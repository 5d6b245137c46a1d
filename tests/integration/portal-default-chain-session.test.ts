// A broker given no keys of its own, whose AWS default credential chain finds a session in the
// environment: a GetSessionToken session of the broker's IAM user (as aws-vault or an MFA'd CLI
// session provides). Its GetCallerIdentity names the IAM user, not a role, yet AWS treats every
// AssumeRole it signs as role chaining and refuses more than an hour (docs/AWS.md "Session
// length"): the portal must cap sessions itself rather than pass AWS's refusal on.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { demoBroker } from "@/dev/demo-world";
import { expectRefusedPastChainingCap, sessionInEnvironment } from "../support/chained-broker";
import { assumeRoleCalls } from "../support/portal-assertions";
import { roleIdOf, signIn } from "../support/portal-client";
import { startTestStack, type TestStack } from "../support/stack";

let stack: TestStack;
beforeAll(async () => {
  stack = await startTestStack({ envFromAws: sessionInEnvironment });
});
afterAll(async () => {
  await stack?.stop();
});

describe("a broker on session credentials the default chain finds", () => {
  it("caps sessions at one hour: a longer one is refused by name before STS, an hour is issued", async () => {
    const bob = await signIn(stack, "bob");
    const roleId = await roleIdOf(stack, "acme-staging", "Developer");
    await expectRefusedPastChainingCap(stack, bob, roleId);

    const res = await bob.request(`/api/roles/${roleId}/credentials`, {
      method: "POST",
      json: { durationSeconds: 3600 },
    });
    expect(res.status).toBe(200);
    expect(((await res.json()) as { durationSeconds: number }).durationSeconds).toBe(3600);
    expect((await assumeRoleCalls(stack)).at(-1)).toMatchObject({
      durationSeconds: 3600,
      errorCode: null,
    });
  });

  it("Admin → Broker names the IAM user and says sessions are capped at one hour", async () => {
    const alice = await signIn(stack, "alice");
    const html = await (await alice.request("/admin/broker")).text();
    expect(html).toContain(demoBroker.arn);
    expect(html).toContain("AWS default credential chain");
    expect(html).toContain("capped at 1 hour");
  });
});

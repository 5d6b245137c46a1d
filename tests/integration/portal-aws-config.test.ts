// Configuration mistakes and AWS settings that could pass for an AWS outage (docs/AWS.md):
// the SDKs' FIPS / dual-stack switches with an explicit endpoint, and a broker with no credentials
// at all. Each is answered for what it is.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { assumeRoleCalls, expectApiError, resetStsCalls } from "../support/portal-assertions";
import { roleIdOf, signIn } from "../support/portal-client";
import { startTestStack, type TestStack } from "../support/stack";

describe("AWS_USE_FIPS_ENDPOINT and AWS_USE_DUALSTACK_ENDPOINT with an explicit endpoint", () => {
  let stack: TestStack;
  beforeAll(async () => {
    // The endpoint is an explicit <region>=<URL> (a local server here, a VPC endpoint in real
    // life): left to the SDK, its switches make it refuse every call ("FIPS and custom endpoint
    // are not supported"), which a user would see as "AWS STS could not be reached or is busy".
    stack = await startTestStack({
      extraEnv: { AWS_USE_FIPS_ENDPOINT: "true", AWS_USE_DUALSTACK_ENDPOINT: "true" },
    });
  });
  afterAll(async () => {
    await stack?.stop();
  });

  it("issuance works: the URL is used as written, signed for its region", async () => {
    const bob = await signIn(stack, "bob");
    const roleId = await roleIdOf(stack, "acme-staging", "Developer");
    await resetStsCalls(stack);
    const res = await bob.request(`/api/roles/${roleId}/credentials`, { method: "POST", json: {} });
    expect(res.status, await res.clone().text()).toBe(200);
    expect(await assumeRoleCalls(stack)).toHaveLength(1);
  });
});

describe("a broker with no AWS credentials at all", () => {
  let stack: TestStack;
  beforeAll(async () => {
    stack = await startTestStack({
      extraEnv: {
        // No keys: the AWS default credential chain, which here finds nothing.
        GATEHOUSE_BROKER_ACCESS_KEY_ID: "",
        GATEHOUSE_BROKER_SECRET_ACCESS_KEY: "",
        GATEHOUSE_BROKER_MFA_SERIAL: "",
        AWS_EC2_METADATA_DISABLED: "true",
        AWS_SHARED_CREDENTIALS_FILE: "/nonexistent/gatehouse-test/credentials",
        AWS_CONFIG_FILE: "/nonexistent/gatehouse-test/config",
      },
    });
  });
  afterAll(async () => {
    await stack?.stop();
  });

  it("is told as the portal's own misconfiguration, not as an AWS error or an outage", async () => {
    const bob = await signIn(stack, "bob");
    const roleId = await roleIdOf(stack, "acme-staging", "Developer");
    const res = await bob.request(`/api/roles/${roleId}/credentials`, { method: "POST", json: {} });
    const body = await expectApiError(res, 503, "broker_misconfigured");
    expect(body.error.message).toMatch(/no AWS credentials/);
    expect(body.error.message).not.toMatch(/AWS error|could not be reached|busy/);
    expect(body.error.awsErrorCode).toBeUndefined();
  });
});

import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { roleIdOf, signIn } from "../support/portal-client";
import { startTestStack, type TestStack } from "../support/stack";

let stack: TestStack;
beforeAll(async () => {
  stack = await startTestStack();
});
afterAll(async () => {
  await stack?.stop();
});

describe("portal smoke", () => {
  it("a granted role yields credentials after a real OIDC sign-in", async () => {
    const bob = await signIn(stack, "bob");
    const roleId = await roleIdOf(stack, "acme-staging", "Developer");
    const res = await bob.request(`/api/roles/${roleId}/credentials`, {
      method: "POST",
      json: { region: "eu-west-1" },
    });
    expect(res.status).toBe(200);
    const body = (await res.json()) as { accessKeyId: string };
    expect(body.accessKeyId).toMatch(/^ASIA/);
  });
});

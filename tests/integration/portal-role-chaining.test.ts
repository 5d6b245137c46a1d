import { GetCallerIdentityCommand, STSClient } from "@aws-sdk/client-sts";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { roleIdOf, signIn } from "../support/portal-client";
import {
  chainedBrokerEnv,
  chainedWorld,
  expectRefusedPastChainingCap,
} from "../support/chained-broker";
import { startTestStack, type TestStack } from "../support/stack";

interface StsCall {
  action: string;
  roleArn?: string;
  durationSeconds?: number;
  callerArn?: string | null;
}

let stack: TestStack;
beforeAll(async () => {
  stack = await startTestStack({
    world: chainedWorld(),
    envFromAws: chainedBrokerEnv,
  });
});
afterAll(async () => {
  await stack?.stop();
});

async function stsCalls(): Promise<StsCall[]> {
  return (await (await fetch(`${stack.aws.url}/__standin/calls`)).json()) as StsCall[];
}

describe("role chaining (broker on role credentials)", () => {
  it("sessions are capped at one hour although the grant allows four", async () => {
    const bob = await signIn(stack, "bob");
    const roleId = await roleIdOf(stack, "acme-staging", "Developer");
    await expectRefusedPastChainingCap(stack, bob, roleId);

    const res = await bob.request(`/api/roles/${roleId}/credentials`, {
      method: "POST",
      json: { durationSeconds: 3600 },
    });
    expect(res.status).toBe(200);
    const body = (await res.json()) as {
      durationSeconds: number;
      accessKeyId: string;
      secretAccessKey: string;
      sessionToken: string;
      expiration: string;
    };
    expect(body.durationSeconds).toBe(3600);
    const lifetime = Date.parse(body.expiration) - Date.now();
    expect(lifetime).toBeGreaterThan(3500_000);
    expect(lifetime).toBeLessThanOrEqual(3600_000);

    const assume = (await stsCalls()).filter(
      (c) => c.action === "AssumeRole" && c.roleArn === "arn:aws:iam::345678901234:role/Developer",
    );
    expect(assume.at(-1)?.durationSeconds).toBe(3600);
    expect(assume.at(-1)?.callerArn).toMatch(/:assumed-role\/GatehouseBroker\//);

    const identity = await new STSClient({
      region: "us-east-1",
      endpoint: stack.aws.stsEndpoint,
      credentials: {
        accessKeyId: body.accessKeyId,
        secretAccessKey: body.secretAccessKey,
        sessionToken: body.sessionToken,
      },
    }).send(new GetCallerIdentityCommand({}));
    expect(identity.Arn).toMatch(/^arn:aws:sts::345678901234:assumed-role\/Developer\//);
  });

  it("the console sign-in still works: SessionDuration is left out for chained credentials", async () => {
    const bob = await signIn(stack, "bob");
    const roleId = await roleIdOf(stack, "acme-staging", "Developer");
    const res = await bob.request(`/api/roles/${roleId}/console`, {
      method: "POST",
      json: { region: "us-west-2" },
    });
    expect(res.status).toBe(200);
    const { signinUrl } = (await res.json()) as { signinUrl: string };
    const page = await fetch(signinUrl);
    expect(page.status).toBe(200);
    expect(await page.text()).toContain("us-west-2");
  });

  it("the audit record says the session was role-chained", async () => {
    const events = await stack.db.auditEvent.findMany({ where: { action: "credentials.issued" } });
    expect(events.length).toBeGreaterThan(0);
    expect(
      events.every(
        (e) => e.durationSeconds === 3600 && JSON.parse(e.detailsJson).roleChained === true,
      ),
    ).toBe(true);
  });
});

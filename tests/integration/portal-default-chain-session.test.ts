// A broker given no keys of its own, whose AWS default credential chain finds a session in the
// environment: a GetSessionToken session of the broker's IAM user (as aws-vault or an MFA'd CLI
// session provides). Its GetCallerIdentity names the IAM user, not a role, yet AWS treats every
// AssumeRole it signs as role chaining and refuses more than an hour (docs/AWS.md "Session
// length"): the portal must cap sessions itself rather than pass AWS's refusal on.
import { GetSessionTokenCommand, STSClient } from "@aws-sdk/client-sts";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { AwsStandin } from "@/dev/aws-standin/server";
import { demoBroker } from "@/dev/demo-world";
import { roleIdOf, signIn } from "../support/portal-client";
import { startTestStack, type TestStack } from "../support/stack";

interface StsCall {
  action: string;
  roleArn?: string;
  durationSeconds?: number;
  errorCode?: string | null;
}

/** No broker keys: the default chain reads AWS_* from the environment, here a session. */
async function sessionInEnvironment(aws: AwsStandin): Promise<Record<string, string>> {
  const sts = new STSClient({
    region: "us-east-1",
    endpoint: aws.stsEndpoint,
    credentials: {
      accessKeyId: demoBroker.accessKeyId,
      secretAccessKey: demoBroker.secretAccessKey,
    },
  });
  try {
    const c = (await sts.send(new GetSessionTokenCommand({ DurationSeconds: 43_200 })))
      .Credentials!;
    return {
      GATEHOUSE_BROKER_ACCESS_KEY_ID: "",
      GATEHOUSE_BROKER_SECRET_ACCESS_KEY: "",
      GATEHOUSE_BROKER_MFA_SERIAL: "",
      AWS_ACCESS_KEY_ID: c.AccessKeyId!,
      AWS_SECRET_ACCESS_KEY: c.SecretAccessKey!,
      AWS_SESSION_TOKEN: c.SessionToken!,
    };
  } finally {
    sts.destroy();
  }
}

let stack: TestStack;
beforeAll(async () => {
  stack = await startTestStack({ envFromAws: sessionInEnvironment });
});
afterAll(async () => {
  await stack?.stop();
});

async function stsCalls(): Promise<StsCall[]> {
  return (await (await fetch(`${stack.aws.url}/__standin/calls`)).json()) as StsCall[];
}

describe("a broker on session credentials the default chain finds", () => {
  it("caps sessions at one hour: a longer one is refused by name before STS, an hour is issued", async () => {
    const bob = await signIn(stack, "bob");
    const roleId = await roleIdOf(stack, "acme-staging", "Developer");
    const assumeCalls = async () => (await stsCalls()).filter((c) => c.action === "AssumeRole");
    const before = (await assumeCalls()).length;

    const tooLong = await bob.request(`/api/roles/${roleId}/credentials`, {
      method: "POST",
      json: { durationSeconds: 14_400 },
    });
    expect(tooLong.status).toBe(400);
    const refusal = (await tooLong.json()) as {
      error: { issues: Array<{ path: string; message: string }> };
    };
    expect(refusal.error.issues[0]?.path).toBe("durationSeconds");
    expect(refusal.error.issues[0]?.message).toMatch(/chaining/i);
    expect(await assumeCalls()).toHaveLength(before);

    const res = await bob.request(`/api/roles/${roleId}/credentials`, {
      method: "POST",
      json: { durationSeconds: 3600 },
    });
    expect(res.status).toBe(200);
    expect(((await res.json()) as { durationSeconds: number }).durationSeconds).toBe(3600);
    expect((await assumeCalls()).at(-1)).toMatchObject({ durationSeconds: 3600, errorCode: null });
  });

  it("Admin → Broker names the IAM user and says sessions are capped at one hour", async () => {
    const alice = await signIn(stack, "alice");
    const html = await (await alice.request("/admin/broker")).text();
    expect(html).toContain(demoBroker.arn);
    expect(html).toContain("AWS default credential chain");
    expect(html).toContain("capped at 1 hour");
  });
});

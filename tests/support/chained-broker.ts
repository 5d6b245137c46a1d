// Brokers whose every AssumeRole is role chaining, which AWS caps at one hour: one on role
// credentials (as on an instance profile, ECS task role or IRSA), and one on a GetSessionToken
// session its default credential chain finds. Options for startTestStack, and the cap's check.
import {
  AssumeRoleCommand,
  GetSessionTokenCommand,
  STSClient,
  type AssumeRoleCommandInput,
} from "@aws-sdk/client-sts";
import { expect } from "vitest";
import { worldFromDemo, type AwsStandin, type StandinWorld } from "@/dev/aws-standin/server";
import { demoBroker } from "@/dev/demo-world";
import { withoutAwsCalls } from "./portal-assertions";
import type { PortalSession } from "./portal-client";
import type { TestStack } from "./stack";

export const BROKER_ROLE_ARN = "arn:aws:iam::100000000001:role/GatehouseBroker";

/** An STS client signing as the demo broker's IAM user. */
function brokerUserSts(aws: AwsStandin): STSClient {
  return new STSClient({
    region: "us-east-1",
    endpoint: aws.stsEndpoint,
    credentials: {
      accessKeyId: demoBroker.accessKeyId,
      secretAccessKey: demoBroker.secretAccessKey,
    },
  });
}

/** The demo world plus the broker's own role, trusted wherever the broker user is. */
export function chainedWorld(): StandinWorld {
  const world = worldFromDemo();
  for (const account of world.accounts) {
    for (const role of account.roles) {
      if (role.trustedPrincipalArns.includes(demoBroker.arn))
        role.trustedPrincipalArns.push(BROKER_ROLE_ARN);
    }
  }
  world.accounts.push({
    id: "100000000001",
    roles: [
      {
        name: "GatehouseBroker",
        maxSessionDurationSeconds: 43200,
        trustedPrincipalArns: [demoBroker.arn],
        allowsSourceIdentity: true,
        allowsTagSession: true,
      },
    ],
  });
  return world;
}

/**
 * Portal settings that make the broker sign with GatehouseBroker role credentials. `session` adds
 * to the broker's own AssumeRole (session tags, TransitiveTagKeys, a SourceIdentity), which every
 * AssumeRole the portal then makes inherits.
 */
export async function chainedBrokerEnv(
  aws: AwsStandin,
  session: Pick<AssumeRoleCommandInput, "Tags" | "TransitiveTagKeys" | "SourceIdentity"> = {},
): Promise<Record<string, string>> {
  const sts = brokerUserSts(aws);
  try {
    const out = await sts.send(
      new AssumeRoleCommand({
        RoleArn: BROKER_ROLE_ARN,
        RoleSessionName: "gatehouse-broker",
        DurationSeconds: 43200,
        ...session,
      }),
    );
    const c = out.Credentials!;
    return {
      GATEHOUSE_BROKER_ACCESS_KEY_ID: c.AccessKeyId!,
      GATEHOUSE_BROKER_SECRET_ACCESS_KEY: c.SecretAccessKey!,
      GATEHOUSE_BROKER_SESSION_TOKEN: c.SessionToken!,
      // A broker on role credentials has no MFA device of its own (only an IAM user can call
      // GetSessionToken with a code); the portal refuses to start with one configured.
      GATEHOUSE_BROKER_MFA_SERIAL: "",
    };
  } finally {
    sts.destroy();
  }
}

/**
 * Portal settings with no broker keys: the default chain reads AWS_* from the environment, here a
 * GetSessionToken session of the broker's IAM user (as aws-vault or an MFA'd CLI session gives).
 */
export async function sessionInEnvironment(aws: AwsStandin): Promise<Record<string, string>> {
  const sts = brokerUserSts(aws);
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

/** A four-hour session is refused by name (role chaining), before any call to AWS. */
export async function expectRefusedPastChainingCap(
  stack: TestStack,
  user: PortalSession,
  roleId: string,
): Promise<void> {
  const tooLong = await withoutAwsCalls(stack, () =>
    user.request(`/api/roles/${roleId}/credentials`, {
      method: "POST",
      json: { durationSeconds: 14_400 },
    }),
  );
  expect(tooLong.status).toBe(400);
  const refusal = (await tooLong.json()) as {
    error: { issues: Array<{ path: string; message: string }> };
  };
  expect(refusal.error.issues[0]?.path).toBe("durationSeconds");
  expect(refusal.error.issues[0]?.message).toMatch(/chaining/i);
}

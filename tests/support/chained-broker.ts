// A broker on role credentials (as on an instance profile, ECS task role or IRSA): every
// AssumeRole it makes is role chaining, which AWS caps at one hour. Options for startTestStack.
import { AssumeRoleCommand, STSClient, type AssumeRoleCommandInput } from "@aws-sdk/client-sts";
import { worldFromDemo, type AwsStandin, type StandinWorld } from "@/dev/aws-standin/server";
import { demoBroker } from "@/dev/demo-world";

export const BROKER_ROLE_ARN = "arn:aws:iam::100000000001:role/GatehouseBroker";

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
  const sts = new STSClient({
    region: "us-east-1",
    endpoint: aws.stsEndpoint,
    credentials: {
      accessKeyId: demoBroker.accessKeyId,
      secretAccessKey: demoBroker.secretAccessKey,
    },
  });
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

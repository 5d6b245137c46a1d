// The IAM policies the README tells operators to paste ("Connecting your first real AWS account")
// are exactly what the portal needs: loaded as JSON into the AWS stand-in (which evaluates them as
// IAM does), they let the broker assume a role the way an issuance does — SourceIdentity, session
// tags, a 12-hour DurationSeconds — and "Check a role" finds nothing missing. Take an action out
// and the check names it.
import fs from "node:fs";
import path from "node:path";
import { AssumeRoleCommand, STSClient } from "@aws-sdk/client-sts";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import {
  definePolicyRole,
  parseIamPolicy,
  startAwsStandin,
  type AwsStandin,
  type StandinWorld,
} from "@/dev/aws-standin/server";
import { checkRole, type RoleToCheck } from "@/lib/aws/role-doctor";
import { createStsBroker } from "@/lib/aws/sts-broker";
import { loadConfig } from "@/lib/config/load-config";
import { readOrganization } from "@/lib/discovery/read-aws";

const README = fs.readFileSync(path.join(import.meta.dirname, "../../README.md"), "utf8");

/** The JSON block that follows `<!-- policy: NAME -->` in the README. */
function readmePolicy(name: string): Record<string, unknown> {
  const m = new RegExp(`<!-- policy: ${name} -->\\s*\`\`\`json\\n([\\s\\S]*?)\\n\`\`\``).exec(
    README,
  );
  if (!m) throw new Error(`README has no policy block "${name}"`);
  return JSON.parse(m[1]!) as Record<string, unknown>;
}

type Statement = { Action: string | string[] };
function withoutAction(policy: Record<string, unknown>, action: string): Record<string, unknown> {
  const statements = (policy.Statement as Statement[]).map((st) => ({
    ...st,
    Action: [st.Action].flat().filter((a) => a !== action),
  }));
  return { ...policy, Statement: statements };
}

// The README's own placeholders: the broker in 111122223333, a role in 444455556666.
const BROKER_USER = {
  accessKeyId: "AKIAREADMEBROKER0001",
  secretAccessKey: "readme/broker+Secret=NotValidAnywhere001",
  arn: "arn:aws:iam::111122223333:user/gatehouse-broker",
  account: "111122223333",
};
const BROKER_ROLE_ARN = "arn:aws:iam::111122223333:role/gatehouse-broker";
const ROLE = (name: string) => `arn:aws:iam::444455556666:role/${name}`;

function world(permissions: object, userTrust: object): StandinWorld {
  return {
    principals: [{ ...BROKER_USER, permissionPolicy: permissions }],
    accounts: [
      {
        id: "111122223333",
        roles: [
          definePolicyRole({
            name: "gatehouse-broker",
            maxSessionDurationSeconds: 43_200,
            trustPolicy: {
              Version: "2012-10-17",
              Statement: [
                { Effect: "Allow", Principal: { AWS: BROKER_USER.arn }, Action: "sts:AssumeRole" },
              ],
            },
            permissionPolicy: permissions,
          }),
        ],
      },
      {
        id: "444455556666",
        roles: [
          definePolicyRole({
            name: "Developer",
            maxSessionDurationSeconds: 43_200,
            trustPolicy: userTrust,
          }),
          definePolicyRole({
            name: "ViaBrokerRole",
            maxSessionDurationSeconds: 3600,
            trustPolicy: readmePolicy("role-trust-role-broker"),
          }),
        ],
      },
    ],
  };
}

function config(aws: AwsStandin, credentials: Record<string, string>) {
  return loadConfig({
    NEXTAUTH_URL: "https://aws.corp.example",
    NEXTAUTH_SECRET: "s".repeat(32),
    GATEHOUSE_ADMIN_GROUP: "admins",
    GATEHOUSE_STS_ENDPOINT: aws.stsEndpointSetting(),
    GATEHOUSE_SESSION_TAGS: "Team=team,CostCenter=cost_center",
    ...credentials,
  });
}

const userKeys = {
  GATEHOUSE_BROKER_ACCESS_KEY_ID: BROKER_USER.accessKeyId,
  GATEHOUSE_BROKER_SECRET_ACCESS_KEY: BROKER_USER.secretAccessKey,
};

function role(name: string, maxSessionDurationSeconds: number, ruleCap: number): RoleToCheck {
  return {
    arn: ROLE(name),
    accountId: "444455556666",
    name,
    assumeMethod: "assume-role",
    samlProviderArn: null,
    externalId: null,
    requiresBrokerMfa: false,
    maxSessionDurationSeconds,
    rules: [{ maxSessionDurationSeconds: ruleCap, sessionPolicy: null }],
  };
}

const identity = { roleSessionName: "alice@corp.example", sourceIdentity: "user-alice" };

describe("the README's policies", () => {
  it("parse as IAM policies of their kind", () => {
    expect(() => parseIamPolicy(readmePolicy("broker-permissions"), "permission")).not.toThrow();
    expect(() => parseIamPolicy(readmePolicy("role-trust-iam-user-broker"), "trust")).not.toThrow();
    expect(() => parseIamPolicy(readmePolicy("role-trust-role-broker"), "trust")).not.toThrow();
  });

  describe("an IAM user broker with them", () => {
    let aws: AwsStandin;
    beforeAll(async () => {
      aws = await startAwsStandin({
        world: world(
          readmePolicy("broker-permissions"),
          readmePolicy("role-trust-iam-user-broker"),
        ),
      });
    });
    afterAll(async () => {
      await aws?.close();
    });

    it("assumes a role as an issuance does: SourceIdentity, session tags, 12 hours", async () => {
      const c = config(aws, userKeys);
      const assumed = await createStsBroker(c.aws).assumeRole({
        roleArn: ROLE("Developer"),
        roleSessionName: identity.roleSessionName,
        sourceIdentity: identity.sourceIdentity,
        durationSeconds: 43_200,
        tags: [
          { Key: "Team", Value: "platform" },
          { Key: "CostCenter", Value: "cc-42" },
        ],
      });
      expect(assumed.sourceIdentity).toBe("user-alice");
      expect(assumed.credentials.expiration.getTime() - Date.now()).toBeGreaterThan(43_000_000);
    });

    it("Check a role finds nothing missing", async () => {
      const c = config(aws, userKeys);
      const report = await checkRole(role("Developer", 43_200, 43_200), identity, {
        broker: createStsBroker(c.aws),
        config: c,
      });
      expect(report.findings.filter((f) => f.verdict === "problem")).toEqual([]);
      expect(report.ok).toBe(true);
    });
  });

  const OMISSIONS = [
    ["sts:SetSourceIdentity", "broker-permissions", /sts:SetSourceIdentity/],
    ["sts:TagSession", "broker-permissions", /sts:TagSession/],
    ["sts:SetSourceIdentity", "role-trust-iam-user-broker", /sts:SetSourceIdentity/],
    ["sts:TagSession", "role-trust-iam-user-broker", /sts:TagSession/],
    ["sts:AssumeRole", "role-trust-iam-user-broker", /The broker may not assume this role/],
  ] as const;
  it.each(OMISSIONS)(
    "without %s in %s, Check a role names what is missing",
    async (action, name, says) => {
      const permissions = readmePolicy("broker-permissions");
      const trust = readmePolicy("role-trust-iam-user-broker");
      const aws = await startAwsStandin({
        world: world(
          name === "broker-permissions" ? withoutAction(permissions, action) : permissions,
          name === "role-trust-iam-user-broker" ? withoutAction(trust, action) : trust,
        ),
      });
      try {
        const c = config(aws, userKeys);
        const report = await checkRole(role("Developer", 43_200, 3600), identity, {
          broker: createStsBroker(c.aws),
          config: c,
        });
        expect(report.ok).toBe(false);
        const trustFinding = report.findings.find((f) => f.check === "trust");
        expect(trustFinding).toMatchObject({ verdict: "problem", awsErrorCode: "AccessDenied" });
        expect(trustFinding!.explanation).toMatch(says);
      } finally {
        await aws.close();
      }
    },
  );

  it("a broker on role credentials with the role-broker trust policy: role chaining, one hour", async () => {
    const aws = await startAwsStandin({
      world: world(readmePolicy("broker-permissions"), readmePolicy("role-trust-iam-user-broker")),
    });
    const sts = new STSClient({
      region: "us-east-1",
      endpoint: aws.stsEndpoint,
      credentials: {
        accessKeyId: BROKER_USER.accessKeyId,
        secretAccessKey: BROKER_USER.secretAccessKey,
      },
    });
    try {
      const out = await sts.send(
        new AssumeRoleCommand({ RoleArn: BROKER_ROLE_ARN, RoleSessionName: "gatehouse-broker" }),
      );
      const c = config(aws, {
        GATEHOUSE_BROKER_ACCESS_KEY_ID: out.Credentials!.AccessKeyId!,
        GATEHOUSE_BROKER_SECRET_ACCESS_KEY: out.Credentials!.SecretAccessKey!,
        GATEHOUSE_BROKER_SESSION_TOKEN: out.Credentials!.SessionToken!,
      });
      const report = await checkRole(role("ViaBrokerRole", 3600, 43_200), identity, {
        broker: createStsBroker(c.aws),
        config: c,
      });
      expect(report.findings.filter((f) => f.verdict === "problem")).toEqual([]);
      expect(
        report.findings.find((f) => f.check === "max-session-duration")?.explanation,
      ).toContain("3600 s");
    } finally {
      sts.destroy();
      await aws.close();
    }
  });
});

describe('the README\'s discovery policies ("Discovering accounts")', () => {
  const MEMBER = "444455556666";
  const readmeDiscoveryRole = (permissions: object) =>
    definePolicyRole({
      name: "GatehouseDiscovery",
      maxSessionDurationSeconds: 3600,
      trustPolicy: readmePolicy("discovery-trust"),
      permissionPolicy: permissions,
    });
  function discoveryWorld(organizationPermissions: object, rolePermissions: object): StandinWorld {
    return {
      principals: [{ ...BROKER_USER, permissionPolicy: readmePolicy("broker-permissions") }],
      accounts: [
        { id: BROKER_USER.account, roles: [readmeDiscoveryRole(organizationPermissions)] },
        {
          id: MEMBER,
          roles: [
            readmeDiscoveryRole(rolePermissions),
            definePolicyRole({
              name: "Developer",
              maxSessionDurationSeconds: 43_200,
              trustPolicy: readmePolicy("role-trust-iam-user-broker"),
            }),
          ],
        },
      ],
      organization: {
        id: "o-readme00001",
        rootId: "r-rdme",
        managementAccountId: BROKER_USER.account,
        members: [
          { id: BROKER_USER.account, name: "management", email: "aws@corp.example" },
          { id: MEMBER, name: "workloads", email: "aws+workloads@corp.example" },
        ],
      },
    };
  }
  async function discover(world: StandinWorld) {
    const aws = await startAwsStandin({ world });
    try {
      const cfg = loadConfig({
        NEXTAUTH_URL: "https://aws.corp.example",
        NEXTAUTH_SECRET: "s".repeat(32),
        GATEHOUSE_ADMIN_GROUP: "admins",
        GATEHOUSE_STS_ENDPOINT: aws.stsEndpointSetting(),
        GATEHOUSE_DISCOVERY_ORGANIZATION_ROLE_ARN: `arn:aws:iam::${BROKER_USER.account}:role/GatehouseDiscovery`,
        GATEHOUSE_DISCOVERY_ORGANIZATIONS_ENDPOINT: aws.url,
        GATEHOUSE_DISCOVERY_IAM_ENDPOINT: aws.url,
        ...userKeys,
      });
      const broker = createStsBroker(cfg.aws);
      return await readOrganization({
        config: cfg.discovery!,
        partition: "aws",
        trust: { brokerArn: BROKER_USER.arn, brokerAccount: BROKER_USER.account, partition: "aws" },
        knownRoleNames: () => [],
        assumeRole: async (roleArn) =>
          (
            await broker.assumeRole({
              roleArn,
              roleSessionName: "gatehouse-discovery",
              sourceIdentity: "gatehouse-discovery",
              durationSeconds: 900,
            })
          ).credentials,
        retry: {
          maxAttempts: 1,
          baseMs: 0,
          capMs: 0,
          sleep: () => Promise.resolve(),
          random: () => 0,
        },
        counters: { calls: 0, retries: 0 },
        onProgress: () => Promise.resolve(),
      });
    } finally {
      await aws.close();
    }
  }

  it("let discovery read the organization and find the role that trusts the broker", async () => {
    const snapshot = await discover(
      discoveryWorld(
        readmePolicy("discovery-organization-permissions"),
        readmePolicy("discovery-role-permissions"),
      ),
    );
    const member = snapshot.accounts.find((a) => a.accountId === MEMBER);
    expect(member?.rolesError).toBeNull();
    expect(member?.roles?.map((r) => [r.name, r.trust.kind])).toEqual([["Developer", "broker"]]);
  });

  it.each([
    ["organizations:ListAccounts", "discovery-organization-permissions", /ListAccounts/],
    ["organizations:ListParents", "discovery-organization-permissions", /ListParents/],
  ])("without %s the run stops with AWS's refusal", async (action, name, message) => {
    const organization = withoutAction(readmePolicy(name), action);
    await expect(
      discover(discoveryWorld(organization, readmePolicy("discovery-role-permissions"))),
    ).rejects.toThrow(message);
  });

  it("without iam:ListRoles an account's roles are not read, and it says why", async () => {
    const snapshot = await discover(
      discoveryWorld(
        readmePolicy("discovery-organization-permissions"),
        withoutAction(readmePolicy("discovery-role-permissions"), "iam:ListRoles"),
      ),
    );
    const member = snapshot.accounts.find((a) => a.accountId === MEMBER);
    expect(member?.roles).toBeNull();
    expect(member?.rolesError).toMatch(/AccessDenied.*iam:ListRoles/);
  });
});

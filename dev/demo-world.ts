/**
 * The demo world: who exists at the demo identity provider, which AWS accounts and roles exist in
 * the AWS stand-in, and which access rules the portal's seed grants. One description, read by the
 * OIDC stand-in, the AWS stand-in, the seed and the tests, so the three can never disagree.
 *
 * Every key and password here is a throwaway for local demos and tests; none is valid anywhere.
 */

export interface DemoUser {
  username: string;
  password: string;
  /** The IdP's stable subject: never reused, never the email. */
  subject: string;
  email: string;
  name: string;
  groups: string[];
}

export interface DemoGrant {
  group?: string;
  /** A single user, by username at the demo IdP. */
  user?: string;
  maxSessionDurationSeconds: number;
  allowConsole: boolean;
  allowCli: boolean;
  /**
   * An eligible rule: the subject may request the role, and members of `approverGroups` approve
   * (docs/ACCESS-REQUESTS.md). Absent: a standing rule.
   */
  eligible?: { approverGroups: string[]; maxElevationSeconds: number };
}

export interface DemoRole {
  name: string;
  description: string;
  /** The role's MaxSessionDuration in IAM (3,600 to 43,200). */
  maxSessionDurationSeconds: number;
  /** Whether the role's trust policy lets the broker principal call sts:AssumeRole. */
  trustsBroker: boolean;
  /** Whether the trust policy allows sts:SetSourceIdentity (required by the portal). */
  allowsSourceIdentity: boolean;
  /** Whether the trust policy allows sts:TagSession. */
  allowsTagSession: boolean;
  /**
   * "assume-role-with-saml": reached with an AWS-targeted assertion from the demo SAML IdP's AWS
   * app (trusting the account's SAML provider DEMO_SAML_PROVIDER_NAME), not with the broker.
   */
  assumeMethod?: "assume-role" | "assume-role-with-saml";
  /**
   * The trust policy also requires `aws:MultiFactorAuthPresent`: the broker can assume the role
   * only from an MFA session (GetSessionToken with the code of demoBroker.mfaDevice).
   */
  requiresBrokerMfa?: boolean;
  grants: DemoGrant[];
}

export interface DemoAccount {
  id: string;
  name: string;
  /** The IAM account alias people also call it by. */
  alias?: string;
  environment: string;
  description: string;
  roles: DemoRole[];
}

export interface DemoBroker {
  accessKeyId: string;
  secretAccessKey: string;
  account: string;
  /** The IAM user the broker keys belong to. */
  arn: string;
  /** The broker user's virtual MFA device; codes come from totpCode(totpSecret, now). */
  mfaDevice?: { serialNumber: string; totpSecret: string };
}

export const ADMIN_GROUP = "gatehouse-admins";
/** Members read the audit log and review access, and change nothing (GATEHOUSE_AUDITOR_GROUP). */
export const AUDITOR_GROUP = "gatehouse-auditors";

/** The IAM SAML provider name, in each account with SAML-federated roles, for the demo SAML IdP. */
export const DEMO_SAML_PROVIDER_NAME = "gatehouse-demo-idp";

export function demoSamlProviderArn(accountId: string): string {
  return `arn:aws:iam::${accountId}:saml-provider/${DEMO_SAML_PROVIDER_NAME}`;
}

export const demoUsers: DemoUser[] = [
  {
    username: "alice",
    password: "alice-demo-password",
    subject: "6f1c2a8e-0d1b-4c5e-9a3f-a11ce0000001",
    email: "alice@corp.example",
    name: "Alice Admin",
    groups: [ADMIN_GROUP, "developers"],
  },
  {
    username: "bob",
    password: "bob-demo-password",
    subject: "0b0b0b0b-7e57-4b0b-8b0b-b0b000000002",
    email: "bob@corp.example",
    name: "Bob Builder",
    groups: ["developers"],
  },
  {
    username: "carol",
    password: "carol-demo-password",
    subject: "ca201000-1111-4c4c-9c9c-ca2010000003",
    email: "carol@corp.example",
    name: "Carol Newhire",
    groups: [],
  },
  {
    username: "dave",
    password: "dave-demo-password",
    subject: "da7e0000-a0d1-4a0d-9d1e-da7e00000004",
    email: "dave@corp.example",
    name: "Dave Auditor",
    groups: [AUDITOR_GROUP],
  },
];

export const demoBroker: DemoBroker = {
  accessKeyId: "AKIAGATEHOUSEDEMO001",
  secretAccessKey: "demo/broker+Secret=NotValidAnywhere00001",
  account: "100000000001",
  arn: "arn:aws:iam::100000000001:user/gatehouse-broker",
  mfaDevice: {
    serialNumber: "arn:aws:iam::100000000001:mfa/gatehouse-broker",
    totpSecret: "GATEHOUSEDEMOBROKERMFANOTVALID23",
  },
};

const developersRead: DemoGrant = {
  group: "developers",
  maxSessionDurationSeconds: 3600,
  allowConsole: true,
  allowCli: true,
};
const adminsFull: DemoGrant = {
  group: ADMIN_GROUP,
  maxSessionDurationSeconds: 3600,
  allowConsole: true,
  allowCli: true,
};

function role(
  name: string,
  description: string,
  grants: DemoGrant[],
  overrides: Partial<Omit<DemoRole, "name" | "description" | "grants">> = {},
): DemoRole {
  return {
    name,
    description,
    maxSessionDurationSeconds: 3600,
    trustsBroker: true,
    allowsSourceIdentity: true,
    allowsTagSession: true,
    grants,
    ...overrides,
  };
}

export const demoAccounts: DemoAccount[] = [
  {
    id: "210987654321",
    name: "acme-production",
    alias: "acme-prod",
    environment: "prod",
    description: "Customer-facing production workloads",
    roles: [
      role("ReadOnly", "Read-only view of production", [developersRead]),
      role(
        "FederatedReadOnly",
        "Read-only, federated through the SAML IdP's AWS app",
        [developersRead],
        {
          assumeMethod: "assume-role-with-saml",
          trustsBroker: false,
        },
      ),
      role("Administrator", "Full administrative access to production", [adminsFull]),
      role(
        "DataAnalyst",
        "Query production analytics, read-only; by request, a few hours at a time",
        [
          {
            user: "carol",
            maxSessionDurationSeconds: 3600,
            allowConsole: true,
            allowCli: true,
            eligible: { approverGroups: [ADMIN_GROUP], maxElevationSeconds: 4 * 3600 },
          },
        ],
      ),
      role(
        "BreakGlass",
        "Emergency access; the trust policy requires MFA (an admin unlocks the broker)",
        [adminsFull],
        { requiresBrokerMfa: true },
      ),
    ],
  },
  {
    id: "345678901234",
    name: "acme-staging",
    alias: "acme-stg",
    environment: "staging",
    description: "Pre-production, mirrors production",
    roles: [
      role(
        "Developer",
        "Deploy and debug services in staging",
        [{ ...developersRead, maxSessionDurationSeconds: 14400 }],
        { maxSessionDurationSeconds: 43200 },
      ),
      role("Administrator", "Full administrative access to staging", [adminsFull]),
    ],
  },
  {
    id: "456789012345",
    name: "acme-sandbox",
    alias: "acme-sbx",
    environment: "dev",
    description: "Personal experiments; wiped weekly",
    roles: [
      role("Developer", "Build anything in the sandbox", [
        { ...developersRead, maxSessionDurationSeconds: 43200 },
      ]),
      role(
        "DataScience",
        "Notebooks and data exploration (CLI only)",
        [{ user: "bob", maxSessionDurationSeconds: 7200, allowConsole: false, allowCli: true }],
        { maxSessionDurationSeconds: 7200 },
      ),
    ],
  },
  {
    id: "567890123456",
    name: "acme-security",
    alias: "acme-sec",
    environment: "prod",
    description: "Log archive and security tooling",
    roles: [
      role("SecurityAudit", "Read security findings and CloudTrail", [adminsFull]),
      // Granted in the portal but its trust policy does not name the broker: shows the admin
      // what a misconfigured role looks like ("this role does not trust the portal").
      role("LegacyOps", "Old operations role, not yet migrated to the portal", [adminsFull], {
        trustsBroker: false,
      }),
    ],
  },
];

/** The region the demo console and CLI default to. */
export const DEMO_DEFAULT_REGION = "eu-west-1";

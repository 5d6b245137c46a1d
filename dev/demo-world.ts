/**
 * The demo world: which AWS accounts and roles exist in the AWS stand-in, and which access rules
 * the portal's seed grants to the demo users (dev/demo-users.ts). One description, read by the
 * OIDC stand-in, the AWS stand-in, the seed and the tests, so the three can never disagree.
 *
 * Every key and password here is a throwaway for local demos and tests; none is valid anywhere.
 */

import { ADMIN_GROUP } from "./demo-users";
import type {
  DemoAccount,
  DemoBroker,
  DemoGrant,
  DemoOrganization,
  DemoOrganizationPlacement,
  DemoRole,
  DemoUndiscoveredAccount,
} from "./demo-world-types";

/** The IAM SAML provider name, in each account with SAML-federated roles, for the demo SAML IdP. */
export const DEMO_SAML_PROVIDER_NAME = "gatehouse-demo-idp";

export function demoSamlProviderArn(accountId: string): string {
  return `arn:aws:iam::${accountId}:saml-provider/${DEMO_SAML_PROVIDER_NAME}`;
}

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

// ---------------------------------------------------------------------------------------------
// The demo's AWS Organizations organization, for account and role discovery (docs/DISCOVERY.md).
// The seed inserts demoAccounts only; demoUndiscoveredAccounts exist in the stand-in's
// organization alone, so "Discover" in a fresh demo finds them as new accounts.

/** The read-only role discovery assumes in every account (and, in the management account, to read Organizations). */
export const DEMO_DISCOVERY_ROLE_NAME = "GatehouseDiscovery";

export const demoUndiscoveredAccounts: DemoUndiscoveredAccount[] = [
  {
    id: "678901234567",
    name: "acme-data-platform",
    roles: [
      {
        name: "DataEngineer",
        description: "Build and run the data pipelines",
        maxSessionDurationSeconds: 14400,
        trustsBroker: true,
      },
      {
        name: "ReadOnly",
        description: "Read-only view of the data platform",
        maxSessionDurationSeconds: 3600,
        trustsBroker: true,
      },
    ],
  },
  {
    id: "789012345678",
    name: "acme-qa",
    roles: [
      {
        name: "Tester",
        description: "Run test suites against the QA environment",
        maxSessionDurationSeconds: 7200,
        trustsBroker: true,
      },
      {
        name: "CiDeploy",
        description: "Used by the CI system only; does not trust the portal",
        maxSessionDurationSeconds: 3600,
        trustsBroker: false,
      },
    ],
  },
  {
    id: "890123456789",
    name: "acme-ml-sandbox",
    roles: [
      {
        name: "Researcher",
        description: "Notebooks and model training experiments",
        maxSessionDurationSeconds: 43200,
        trustsBroker: true,
      },
      {
        name: "ReadOnly",
        description: "Read-only view of the ML sandbox",
        maxSessionDurationSeconds: 3600,
        trustsBroker: true,
      },
    ],
  },
];

function placedIn(
  unitId: string | null,
  name: string,
  environment?: string,
): DemoOrganizationPlacement {
  const tags: Record<string, string> = { owner: "platform-team" };
  if (environment !== undefined) tags.environment = environment;
  return { unitId, email: `aws+${name}@corp.example`, tags };
}

export const demoOrganization: DemoOrganization = {
  id: "o-gatehousedemo",
  rootId: "r-gh01",
  managementAccountId: demoBroker.account,
  managementAccountName: "acme-management",
  units: [
    { id: "ou-gh01-prod0001", name: "Prod", tags: { tier: "production" } },
    { id: "ou-gh01-nonprod01", name: "NonProd", tags: { tier: "non-production" } },
    { id: "ou-gh01-sandbox1", name: "Sandbox", tags: { tier: "sandbox" } },
    { id: "ou-gh01-security", name: "Security", tags: { tier: "production" } },
  ],
  placement: {
    [demoBroker.account]: placedIn(null, "acme-management"),
    "210987654321": placedIn("ou-gh01-prod0001", "acme-production", "prod"),
    "345678901234": placedIn("ou-gh01-nonprod01", "acme-staging", "staging"),
    "456789012345": placedIn("ou-gh01-sandbox1", "acme-sandbox", "dev"),
    "567890123456": placedIn("ou-gh01-security", "acme-security", "prod"),
    "678901234567": placedIn("ou-gh01-prod0001", "acme-data-platform", "prod"),
    "789012345678": placedIn("ou-gh01-nonprod01", "acme-qa", "staging"),
    // No environment tag: discovery falls back to the Sandbox unit's label, if one is set.
    "890123456789": placedIn("ou-gh01-sandbox1", "acme-ml-sandbox"),
  },
};

/** The discovery role discovery reads AWS Organizations with (in the management account). */
export function demoDiscoveryOrganizationRoleArn(): string {
  return `arn:aws:iam::${demoOrganization.managementAccountId}:role/${DEMO_DISCOVERY_ROLE_NAME}`;
}

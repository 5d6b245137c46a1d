/**
 * A stand-in world with an AWS Organizations organization of any size, for discovery tests: the
 * broker's account is the management account; members are spread over a few tagged units (Prod,
 * NonProd with a nested QA unit, Sandbox); every account has the read-only discovery role (in the
 * management account also allowed to read Organizations) and `rolesPerAccount` roles of the kinds
 * a real account has — most trusting the broker, some a SAML provider, some nothing the portal
 * can use, one service-linked role. Deterministic (the same options give the same world) and
 * cheap: 1,000 accounts × 10 roles index in well under a second.
 */
import { definePolicyRole, type StandinRole, type StandinWorld } from "@/dev/aws-standin/server";

export interface OrganizationWorldBroker {
  accessKeyId: string;
  secretAccessKey: string;
  /** `arn:aws:iam::<account>:user/<name>` */
  arn: string;
  account: string;
}

export interface OrganizationWorldOptions {
  /** Members in all, the broker's (management) account included: at least 1. */
  accounts: number;
  /** Roles per account besides the discovery role, or a count per account index (0 = management). */
  rolesPerAccount: number | ((accountIndex: number) => number);
  broker: OrganizationWorldBroker;
  /** Default "GatehouseDiscovery". */
  discoveryRoleName?: string;
  /** Account indexes (1…) that are delegated administrators. */
  delegatedAdministrators?: number[];
  /** Account indexes (1…) whose status is SUSPENDED. */
  suspended?: number[];
}

export const ORGANIZATION_ID = "o-gatehousetest";
export const ROOT_ID = "r-te57";
export const UNITS = {
  prod: "ou-te57-prod0001",
  nonProd: "ou-te57-nonprod1",
  qa: "ou-te57-qa000001",
  sandbox: "ou-te57-sandbox1",
} as const;
/** The SAML provider SAML-trusting roles name in their own account. */
export const SAML_PROVIDER_NAME = "corp-idp";

const ENVIRONMENTS = [
  { unit: UNITS.prod, environment: "prod" },
  { unit: UNITS.nonProd, environment: "staging" },
  { unit: UNITS.qa, environment: "qa" },
  { unit: UNITS.sandbox, environment: "dev" },
] as const;
const DURATIONS = [3600, 7200, 14400, 43200];
const ROLE_KINDS = [
  "Administrator",
  "Developer",
  "ReadOnly",
  "DataAnalyst",
  "Deployer",
  "SamlReadOnly",
  "Ec2Instance",
  "BreakGlass",
] as const;

/** The id of the member at `index` (0 is the broker's account). */
export function accountIdAt(broker: OrganizationWorldBroker, index: number): string {
  return index === 0 ? broker.account : String(200_000_000_000 + index);
}

/** The member name at `index`, as ListAccounts returns it. */
export function accountNameAt(index: number): string {
  return index === 0 ? "management" : `account-${String(index).padStart(4, "0")}`;
}

/** @throws TypeError for fewer than one account or a negative role count. */
export function organizationWorld(options: OrganizationWorldOptions): StandinWorld {
  const { broker } = options;
  if (!Number.isInteger(options.accounts) || options.accounts < 1) {
    throw new TypeError(`organizationWorld: accounts must be at least 1, not ${options.accounts}`);
  }
  const discoveryRoleName = options.discoveryRoleName ?? "GatehouseDiscovery";
  const rolesIn = (index: number) =>
    typeof options.rolesPerAccount === "number"
      ? options.rolesPerAccount
      : options.rolesPerAccount(index);
  const delegated = new Set(options.delegatedAdministrators ?? []);
  const suspended = new Set(options.suspended ?? []);
  const accounts = [];
  const members = [];
  for (let index = 0; index < options.accounts; index++) {
    const id = accountIdAt(broker, index);
    const count = rolesIn(index);
    if (!Number.isInteger(count) || count < 0) {
      throw new TypeError(`organizationWorld: account ${index} role count ${count} is invalid`);
    }
    const roles = [discoveryRole(discoveryRoleName, broker, index === 0)];
    for (let j = 0; j < count; j++) roles.push(roleAt(id, j, count, broker));
    accounts.push({ id, roles });
    const placement = ENVIRONMENTS[(index - 1) % ENVIRONMENTS.length];
    members.push({
      id,
      name: accountNameAt(index),
      email: `aws+${accountNameAt(index)}@corp.example`,
      ...(suspended.has(index) ? { status: "SUSPENDED" as const } : {}),
      ...(index === 0 || !placement
        ? { tags: { owner: "platform-team" } }
        : {
            parentId: placement.unit,
            // Every fifth account lacks the environment tag: its unit then decides.
            tags:
              index % 5 === 0
                ? { owner: `team-${index % 7}` }
                : { environment: placement.environment, owner: `team-${index % 7}` },
          }),
    });
  }
  return {
    principals: [
      {
        accessKeyId: broker.accessKeyId,
        secretAccessKey: broker.secretAccessKey,
        arn: broker.arn,
        account: broker.account,
      },
    ],
    accounts,
    organization: {
      id: ORGANIZATION_ID,
      rootId: ROOT_ID,
      managementAccountId: broker.account,
      delegatedAdministratorIds: [...delegated].map((index) => accountIdAt(broker, index)),
      organizationalUnits: [
        { id: UNITS.prod, name: "Prod", parentId: ROOT_ID, tags: { tier: "production" } },
        { id: UNITS.nonProd, name: "NonProd", parentId: ROOT_ID, tags: { tier: "non-production" } },
        { id: UNITS.qa, name: "QA", parentId: UNITS.nonProd, tags: { tier: "non-production" } },
        { id: UNITS.sandbox, name: "Sandbox", parentId: ROOT_ID },
      ],
      members,
    },
  };
}

/** The permission policy of the discovery role: IAM reads, plus Organizations reads in the management account. */
export function discoveryPermissionPolicy(isManagementAccount: boolean): object {
  return {
    Version: "2012-10-17",
    Statement: [
      { Effect: "Allow", Action: ["iam:ListRoles", "iam:GetRole"], Resource: "*" },
      ...(isManagementAccount
        ? [
            {
              Effect: "Allow",
              Action: ["organizations:Describe*", "organizations:List*"],
              Resource: "*",
            },
          ]
        : []),
    ],
  };
}

function discoveryRole(
  name: string,
  broker: OrganizationWorldBroker,
  isManagementAccount: boolean,
): StandinRole {
  return {
    name,
    description: "Read-only: lets Gatehouse discover accounts and roles",
    maxSessionDurationSeconds: 3600,
    trustedPrincipalArns: [broker.arn],
    allowsSourceIdentity: true,
    allowsTagSession: true,
    permissionPolicy: discoveryPermissionPolicy(isManagementAccount),
  };
}

// One object per kind, shared by every role of that kind: the stand-in parses it per role, and
// sharing keeps building a 10,000-role world cheap.
const EC2_TRUST = {
  Version: "2012-10-17",
  Statement: [
    { Effect: "Allow", Principal: { Service: "ec2.amazonaws.com" }, Action: "sts:AssumeRole" },
  ],
};
const SUPPORT_TRUST = {
  Version: "2012-10-17",
  Statement: [
    { Effect: "Allow", Principal: { Service: "support.amazonaws.com" }, Action: "sts:AssumeRole" },
  ],
};

/**
 * Role `j` of `count` in an account: the last of four or more is the service-linked role; the
 * others cycle through ROLE_KINDS (a numbered suffix from the second round on).
 */
function roleAt(
  accountId: string,
  j: number,
  count: number,
  broker: OrganizationWorldBroker,
): StandinRole {
  if (count >= 4 && j === count - 1) {
    return {
      ...definePolicyRole({
        name: "AWSServiceRoleForSupport",
        maxSessionDurationSeconds: 3600,
        trustPolicy: SUPPORT_TRUST,
      }),
      path: "/aws-service-role/support.amazonaws.com/",
      description:
        "Enables resource access for AWS to provide billing, administrative and support services",
    };
  }
  const kind = ROLE_KINDS[j % ROLE_KINDS.length] ?? "Developer";
  const round = Math.floor(j / ROLE_KINDS.length);
  const name = round === 0 ? kind : `${kind}-${round + 1}`;
  const base = {
    name,
    maxSessionDurationSeconds: DURATIONS[j % DURATIONS.length] ?? 3600,
    description: `${kind} access in ${accountId}`,
    ...(kind === "Deployer" ? { path: "/teams/platform/" } : {}),
  };
  const trustsBroker = {
    trustedPrincipalArns: [broker.arn],
    allowsSourceIdentity: true,
    allowsTagSession: true,
  };
  switch (kind) {
    case "SamlReadOnly":
      return {
        ...base,
        trustedPrincipalArns: [],
        allowsSourceIdentity: false,
        allowsTagSession: false,
        trustedSamlProviderArns: [`arn:aws:iam::${accountId}:saml-provider/${SAML_PROVIDER_NAME}`],
      };
    case "Ec2Instance":
      return { ...base, ...definePolicyRole({ ...base, trustPolicy: EC2_TRUST }) };
    case "BreakGlass":
      return { ...base, ...trustsBroker, requiresMfa: true };
    default:
      return { ...base, ...trustsBroker };
  }
}

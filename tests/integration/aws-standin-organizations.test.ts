/**
 * The AWS stand-in's AWS Organizations and IAM (ListRoles, GetRole) APIs, driven by the real
 * @aws-sdk/client-organizations and @aws-sdk/client-iam: what they return, and every refusal
 * with AWS's error code, for a 45-account organization whose first member account holds 250 roles.
 */
import {
  DescribeAccountCommand,
  DescribeOrganizationalUnitCommand,
  DescribeOrganizationCommand,
  ListAccountsCommand,
  ListParentsCommand,
  ListRootsCommand,
  ListTagsForResourceCommand,
  OrganizationsClient,
  type Account,
} from "@aws-sdk/client-organizations";
import { GetRoleCommand, IAMClient, ListRolesCommand, type Role } from "@aws-sdk/client-iam";
import { AssumeRoleCommand } from "@aws-sdk/client-sts";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import {
  definePolicyRole,
  startAwsStandin,
  type AwsStandin,
  type StandinWorld,
} from "@/dev/aws-standin/server";
import {
  createTestClock,
  GOV_ACCOUNT,
  govBroker,
  keysOf,
  rawStsRequest,
  recordingRetryStrategy,
  stsClient,
  TEST_ACCOUNT,
  testBroker,
  testWorld,
  type Keys,
} from "@/tests/support/aws-standin";
import {
  accountIdAt,
  accountNameAt,
  organizationWorld,
  ROOT_ID,
  SAML_PROVIDER_NAME,
  UNITS,
} from "@/tests/support/organization-world";

const ACCOUNTS = 45;
const BIG_ACCOUNT = 1;
const BIG_ACCOUNT_ROLES = 250;
const DELEGATED = 2;
const MEMBER = 3;
const SUSPENDED = 44;
const idAt = (index: number) => accountIdAt(testBroker, index);

/** An IAM user in an account outside the organization. */
const stranger = {
  accessKeyId: "AKIATESTSTRANGER0005",
  secretAccessKey: "test/stranger+Secret=NotValidAnywhere005",
  arn: "arn:aws:iam::999999999999:user/stranger",
  account: "999999999999",
};

function allowPolicy(...actions: string[]): object {
  return {
    Version: "2012-10-17",
    Statement: [{ Effect: "Allow", Action: actions, Resource: "*" }],
  };
}

function world(): StandinWorld {
  const built = organizationWorld({
    accounts: ACCOUNTS,
    rolesPerAccount: (index) => (index === BIG_ACCOUNT ? BIG_ACCOUNT_ROLES - 1 : 4),
    broker: testBroker,
    delegatedAdministrators: [DELEGATED],
    suspended: [SUSPENDED],
  });
  const trustsBroker = {
    trustedPrincipalArns: [testBroker.arn],
    allowsSourceIdentity: true,
    allowsTagSession: true,
  };
  const withPolicy = (name: string, permissionPolicy: object) => ({
    name,
    maxSessionDurationSeconds: 3600,
    ...trustsBroker,
    permissionPolicy,
  });
  const accountAt = (index: number) => {
    const account = built.accounts[index];
    if (!account) throw new Error(`no account ${index}`);
    return account;
  };
  accountAt(0).roles.push(
    withPolicy("OrgDescribeOnly", allowPolicy("organizations:DescribeOrganization")),
    withPolicy("IamGetRoleOnly", allowPolicy("iam:GetRole")),
    withPolicy("DenyListRoles", {
      Version: "2012-10-17",
      Statement: [
        { Effect: "Allow", Action: "iam:*", Resource: "*" },
        { Effect: "Deny", Action: "iam:ListRoles", Resource: "*" },
      ],
    }),
  );
  for (const index of [DELEGATED, MEMBER]) {
    accountAt(index).roles.push(withPolicy("OrgReader", allowPolicy("organizations:*")));
  }
  return {
    ...built,
    principals: [...built.principals, stranger, govBroker],
    accounts: [
      ...built.accounts,
      {
        id: GOV_ACCOUNT,
        partition: "aws-us-gov",
        roles: [{ name: "GovDeveloper", maxSessionDurationSeconds: 3600, ...trustsBroker }],
      },
    ],
  };
}

const clock = createTestClock();
let standin: AwsStandin;

beforeAll(async () => {
  standin = await startAwsStandin({ world: world(), now: clock.now });
});
afterEach(() => {
  clock.reset();
  standin.setServiceThrottle("iam", null);
  standin.setServiceThrottle("organizations", null);
});
afterAll(async () => {
  await standin.close();
});

interface ClientOptions {
  region?: string;
  maxAttempts?: number;
  systemClockOffset?: number;
  retryStrategy?: ReturnType<typeof recordingRetryStrategy>;
}

/** Fresh clients per use: the SDK adopts the server's clock from each response. */
function organizations(keys: Keys, options: ClientOptions = {}): OrganizationsClient {
  return new OrganizationsClient({
    endpoint: standin.url,
    region: options.region ?? "us-east-1",
    credentials: keys,
    maxAttempts: options.maxAttempts ?? 1,
    systemClockOffset: options.systemClockOffset,
    ...(options.retryStrategy ? { retryStrategy: options.retryStrategy } : {}),
  });
}

function iam(keys: Keys, options: ClientOptions = {}): IAMClient {
  return new IAMClient({
    endpoint: standin.url,
    region: options.region ?? "us-east-1",
    credentials: keys,
    maxAttempts: options.maxAttempts ?? 1,
    systemClockOffset: options.systemClockOffset,
    ...(options.retryStrategy ? { retryStrategy: options.retryStrategy } : {}),
  });
}

/** Credentials for a role, assumed by the broker through the stand-in's STS. */
async function session(
  roleName: string,
  accountIndex = 0,
  durationSeconds?: number,
): Promise<Keys> {
  return keysOf(
    await stsClient(standin, testBroker).send(
      new AssumeRoleCommand({
        RoleArn: `arn:aws:iam::${idAt(accountIndex)}:role/${roleName}`,
        RoleSessionName: "test",
        SourceIdentity: "gatehouse",
        DurationSeconds: durationSeconds,
      }),
    ),
  );
}

interface AwsFailure {
  name: string;
  status: number | undefined;
  message: string;
  reason?: unknown;
  type?: unknown;
}

async function failure(call: Promise<unknown>): Promise<AwsFailure> {
  try {
    await call;
  } catch (error) {
    const e = error as Error & {
      Reason?: unknown;
      Type?: unknown;
      $metadata?: { httpStatusCode?: number };
    };
    return {
      name: e.name,
      status: e.$metadata?.httpStatusCode,
      message: e.message,
      reason: e.Reason,
      type: e.Type,
    };
  }
  throw new Error("expected the call to fail, but it succeeded");
}

async function allAccounts(keys: Keys, maxResults?: number): Promise<Account[][]> {
  const pages: Account[][] = [];
  let token: string | undefined;
  do {
    const page = await organizations(keys).send(
      new ListAccountsCommand({ MaxResults: maxResults, NextToken: token }),
    );
    pages.push(page.Accounts ?? []);
    token = page.NextToken;
  } while (token);
  return pages;
}

async function allRoles(keys: Keys, input: { PathPrefix?: string; MaxItems?: number } = {}) {
  const pages: Role[][] = [];
  let marker: string | undefined;
  do {
    const page = await iam(keys).send(new ListRolesCommand({ ...input, Marker: marker }));
    pages.push(page.Roles ?? []);
    marker = page.IsTruncated ? page.Marker : undefined;
  } while (marker);
  return pages;
}

describe("Organizations answers the management account", () => {
  it("describes the organization with the management account's ARN and email", async () => {
    const { Organization } = await organizations(testBroker).send(
      new DescribeOrganizationCommand({}),
    );
    expect(Organization).toMatchObject({
      Id: "o-gatehousetest",
      Arn: `arn:aws:organizations::${TEST_ACCOUNT}:organization/o-gatehousetest`,
      FeatureSet: "ALL",
      MasterAccountId: TEST_ACCOUNT,
      MasterAccountArn: `arn:aws:organizations::${TEST_ACCOUNT}:account/o-gatehousetest/${TEST_ACCOUNT}`,
      MasterAccountEmail: "aws+management@corp.example",
    });
  });

  it("lists all 45 accounts in pages of at most 20, in order, with AWS's Account shape (State, not the retired Status)", async () => {
    const pages = await allAccounts(testBroker);
    expect(pages.map((page) => page.length)).toEqual([20, 20, 5]);
    const accounts = pages.flat();
    expect(accounts.map((a) => a.Id)).toEqual(Array.from({ length: ACCOUNTS }, (_, i) => idAt(i)));
    expect(accounts[MEMBER]).toEqual({
      Id: idAt(MEMBER),
      Arn: `arn:aws:organizations::${TEST_ACCOUNT}:account/o-gatehousetest/${idAt(MEMBER)}`,
      Email: `aws+${accountNameAt(MEMBER)}@corp.example`,
      Name: accountNameAt(MEMBER),
      State: "ACTIVE",
      JoinedMethod: "CREATED",
      JoinedTimestamp: expect.any(Date),
    });
    expect(accounts[SUSPENDED]).toMatchObject({ State: "SUSPENDED" });
    expect(accounts.some((a) => "Status" in a && a.Status !== undefined)).toBe(false);
  });

  it("lets MaxResults change between pages (the token is bound to the operation, not the page size)", async () => {
    const first = await organizations(testBroker).send(new ListAccountsCommand({ MaxResults: 7 }));
    const second = await organizations(testBroker).send(
      new ListAccountsCommand({ MaxResults: 20, NextToken: first.NextToken }),
    );
    expect(second.Accounts?.map((a) => a.Id)).toEqual(
      Array.from({ length: 20 }, (_, i) => idAt(i + 7)),
    );
  });

  it("reads the tree: the root, an account's unit, a nested unit's parent, a unit's name", async () => {
    const client = organizations(testBroker);
    const { Roots } = await client.send(new ListRootsCommand({}));
    expect(Roots).toEqual([
      {
        Id: ROOT_ID,
        Arn: `arn:aws:organizations::${TEST_ACCOUNT}:root/o-gatehousetest/${ROOT_ID}`,
        Name: "Root",
        PolicyTypes: [{ Type: "SERVICE_CONTROL_POLICY", Status: "ENABLED" }],
      },
    ]);
    // Account 3 is in the QA unit, which is nested in NonProd; the management account is at the root.
    const parentOf = async (ChildId: string) =>
      (await client.send(new ListParentsCommand({ ChildId }))).Parents;
    expect(await parentOf(idAt(MEMBER))).toEqual([{ Id: UNITS.qa, Type: "ORGANIZATIONAL_UNIT" }]);
    expect(await parentOf(UNITS.qa)).toEqual([{ Id: UNITS.nonProd, Type: "ORGANIZATIONAL_UNIT" }]);
    expect(await parentOf(TEST_ACCOUNT)).toEqual([{ Id: ROOT_ID, Type: "ROOT" }]);
    const { OrganizationalUnit } = await client.send(
      new DescribeOrganizationalUnitCommand({ OrganizationalUnitId: UNITS.qa }),
    );
    expect(OrganizationalUnit).toEqual({
      Id: UNITS.qa,
      Arn: `arn:aws:organizations::${TEST_ACCOUNT}:ou/o-gatehousetest/${UNITS.qa}`,
      Name: "QA",
    });
  });

  it("lists the tags of an account, a unit and the root", async () => {
    const tagsOf = async (ResourceId: string) =>
      (await organizations(testBroker).send(new ListTagsForResourceCommand({ ResourceId }))).Tags;
    expect(await tagsOf(idAt(MEMBER))).toEqual([
      { Key: "environment", Value: "qa" },
      { Key: "owner", Value: "team-3" },
    ]);
    expect(await tagsOf(UNITS.prod)).toEqual([{ Key: "tier", Value: "production" }]);
    expect(await tagsOf(ROOT_ID)).toEqual([]);
  });

  it("describes one account", async () => {
    const { Account } = await organizations(testBroker).send(
      new DescribeAccountCommand({ AccountId: idAt(SUSPENDED) }),
    );
    expect(Account).toMatchObject({ Id: idAt(SUSPENDED), Name: accountNameAt(SUSPENDED) });
  });

  it("answers a delegated administrator's role like the management account", async () => {
    const keys = await session("OrgReader", DELEGATED);
    const pages = await allAccounts(keys);
    expect(pages.flat()).toHaveLength(ACCOUNTS);
  });
});

describe("Organizations refuses", () => {
  const cases: Array<{
    rule: string;
    call: () => Promise<unknown>;
    name: string;
    reason?: string;
  }> = [
    {
      rule: "a caller whose account is not in the organization",
      call: () => organizations(stranger).send(new DescribeOrganizationCommand({})),
      name: "AWSOrganizationsNotInUseException",
    },
    {
      rule: "a member account other than the management account or a delegated administrator",
      call: async () =>
        organizations(await session("OrgReader", MEMBER)).send(new ListAccountsCommand({})),
      name: "AccessDeniedException",
    },
    {
      rule: "a caller whose permission policy does not allow the operation",
      call: async () =>
        organizations(await session("OrgDescribeOnly")).send(new ListAccountsCommand({})),
      name: "AccessDeniedException",
    },
    {
      rule: "the discovery role of a member account (it may only read IAM)",
      call: async () =>
        organizations(await session("GatehouseDiscovery", MEMBER)).send(
          new DescribeOrganizationCommand({}),
        ),
      name: "AccessDeniedException",
    },
    {
      rule: "MaxResults below 1",
      call: () => organizations(testBroker).send(new ListAccountsCommand({ MaxResults: 0 })),
      name: "InvalidInputException",
      reason: "MIN_VALUE_EXCEEDED",
    },
    {
      rule: "MaxResults above 20",
      call: () => organizations(testBroker).send(new ListAccountsCommand({ MaxResults: 21 })),
      name: "InvalidInputException",
      reason: "MAX_VALUE_EXCEEDED",
    },
    {
      rule: "a NextToken it never issued",
      call: () =>
        organizations(testBroker).send(new ListAccountsCommand({ NextToken: "forged-token" })),
      name: "InvalidInputException",
      reason: "INVALID_NEXT_TOKEN",
    },
    {
      rule: "a ListAccounts NextToken replayed on ListRoots",
      call: async () => {
        const { NextToken } = await organizations(testBroker).send(
          new ListAccountsCommand({ MaxResults: 1 }),
        );
        return organizations(testBroker).send(new ListRootsCommand({ NextToken }));
      },
      name: "InvalidInputException",
      reason: "INVALID_NEXT_TOKEN",
    },
    {
      rule: "a NextToken altered by one character",
      call: async () => {
        const { NextToken = "" } = await organizations(testBroker).send(
          new ListAccountsCommand({ MaxResults: 1 }),
        );
        const altered = `${NextToken.slice(0, 10)}${NextToken[10] === "A" ? "B" : "A"}${NextToken.slice(11)}`;
        return organizations(testBroker).send(new ListAccountsCommand({ NextToken: altered }));
      },
      name: "InvalidInputException",
      reason: "INVALID_NEXT_TOKEN",
    },
    {
      rule: "a ChildId that is neither an account nor a unit id (a root id)",
      call: () => organizations(testBroker).send(new ListParentsCommand({ ChildId: ROOT_ID })),
      name: "InvalidInputException",
      reason: "INVALID_PATTERN",
    },
    {
      rule: "a ChildId that names nothing",
      call: () =>
        organizations(testBroker).send(new ListParentsCommand({ ChildId: "999999999999" })),
      name: "ChildNotFoundException",
    },
    {
      rule: "an OrganizationalUnitId that names no unit",
      call: () =>
        organizations(testBroker).send(
          new DescribeOrganizationalUnitCommand({ OrganizationalUnitId: "ou-te57-missing1" }),
        ),
      name: "OrganizationalUnitNotFoundException",
    },
    {
      rule: "a ResourceId that names nothing",
      call: () =>
        organizations(testBroker).send(
          new ListTagsForResourceCommand({ ResourceId: "ou-te57-missing1" }),
        ),
      name: "TargetNotFoundException",
    },
    {
      rule: "an AccountId that is not a member",
      call: () =>
        organizations(testBroker).send(new DescribeAccountCommand({ AccountId: stranger.account })),
      name: "AccountNotFoundException",
    },
  ];

  it.each(cases)("$rule ($name)", async ({ call, name, reason }) => {
    const refused = await failure(call());
    expect(refused).toMatchObject({ name, status: 400 });
    if (reason !== undefined) expect(refused.reason).toBe(reason);
  });

  it("lets any member describe the organization (AWS allows every member that call)", async () => {
    const keys = await session("OrgReader", MEMBER);
    const { Organization } = await organizations(keys).send(new DescribeOrganizationCommand({}));
    expect(Organization?.Id).toBe("o-gatehousetest");
  });

  it("answers AWSOrganizationsNotInUseException for every call when the world has no organization", async () => {
    const plain = await startAwsStandin({ world: testWorld() });
    try {
      const client = new OrganizationsClient({
        endpoint: plain.url,
        region: "us-east-1",
        credentials: testBroker,
        maxAttempts: 1,
      });
      expect(await failure(client.send(new DescribeOrganizationCommand({})))).toMatchObject({
        name: "AWSOrganizationsNotInUseException",
        message: "Your account is not a member of an organization.",
      });
    } finally {
      await plain.close();
    }
  });

  it("binds a ListTagsForResource NextToken to its resource", async () => {
    const many = Object.fromEntries(Array.from({ length: 25 }, (_, i) => [`key-${i}`, `v${i}`]));
    standin.updateOrganizationMember(idAt(4), { tags: many });
    const client = organizations(testBroker);
    const first = await client.send(new ListTagsForResourceCommand({ ResourceId: idAt(4) }));
    expect(first.Tags).toHaveLength(20);
    const rest = await client.send(
      new ListTagsForResourceCommand({ ResourceId: idAt(4), NextToken: first.NextToken }),
    );
    expect(rest.Tags?.map((t) => t.Key)).toEqual([
      "key-20",
      "key-21",
      "key-22",
      "key-23",
      "key-24",
    ]);
    const replayed = await failure(
      client.send(
        new ListTagsForResourceCommand({ ResourceId: idAt(5), NextToken: first.NextToken }),
      ),
    );
    expect(replayed).toMatchObject({ name: "InvalidInputException", reason: "INVALID_NEXT_TOKEN" });
  });
});

describe("IAM lists and reads the caller's own roles", () => {
  it("pages through a 250-role account 100 at a time (IAM's default), ordered by name", async () => {
    const keys = await session("GatehouseDiscovery", BIG_ACCOUNT);
    const pages = await allRoles(keys);
    expect(pages.map((page) => page.length)).toEqual([100, 100, 50]);
    const names = pages.flat().map((role) => role.RoleName ?? "");
    expect(new Set(names).size).toBe(BIG_ACCOUNT_ROLES);
    expect(names).toEqual([...names].sort((a, b) => (a.toLowerCase() < b.toLowerCase() ? -1 : 1)));
    expect(
      pages.flat().every((role) => role.Arn?.startsWith(`arn:aws:iam::${idAt(1)}:role/`)),
    ).toBe(true);
  });

  it("returns every role in one page with MaxItems 1000", async () => {
    const keys = await session("GatehouseDiscovery", BIG_ACCOUNT);
    const pages = await allRoles(keys, { MaxItems: 1000 });
    expect(pages.map((page) => page.length)).toEqual([BIG_ACCOUNT_ROLES]);
  });

  it("filters by PathPrefix and renders paths in Path and Arn", async () => {
    const keys = await session("GatehouseDiscovery", MEMBER);
    const [serviceRoles] = await allRoles(keys, { PathPrefix: "/aws-service-role/" });
    expect(serviceRoles).toEqual([
      expect.objectContaining({
        RoleName: "AWSServiceRoleForSupport",
        Path: "/aws-service-role/support.amazonaws.com/",
        Arn: `arn:aws:iam::${idAt(MEMBER)}:role/aws-service-role/support.amazonaws.com/AWSServiceRoleForSupport`,
      }),
    ]);
  });

  it("returns a role with AWS's Role shape, and NoSuchEntity (404) for an unknown name", async () => {
    const keys = await session("GatehouseDiscovery", MEMBER);
    const { Role } = await iam(keys).send(new GetRoleCommand({ RoleName: "Developer" }));
    expect(Role).toEqual({
      Path: "/",
      RoleName: "Developer",
      RoleId: expect.stringMatching(/^AROA[A-Z2-7]{17}$/),
      Arn: `arn:aws:iam::${idAt(MEMBER)}:role/Developer`,
      CreateDate: expect.any(Date),
      AssumeRolePolicyDocument: expect.stringMatching(/^%7B%22Version%22/),
      Description: `Developer access in ${idAt(MEMBER)}`,
      MaxSessionDuration: 7200,
      RoleLastUsed: {},
    });
    expect(await failure(iam(keys).send(new GetRoleCommand({ RoleName: "Missing" })))).toEqual(
      expect.objectContaining({
        name: "NoSuchEntityException",
        status: 404,
        message: "The role with name Missing cannot be found.",
      }),
    );
  });

  it("serves an IAM user's own account with its long-term keys (no identity policy: all allowed)", async () => {
    const { Roles } = await iam(testBroker).send(new ListRolesCommand({ MaxItems: 1000 }));
    expect(Roles?.map((r) => r.RoleName)).toContain("OrgDescribeOnly");
  });

  it("serves GovCloud at us-gov-west-1 with GovCloud keys only", async () => {
    const { Roles } = await iam(govBroker, { region: "us-gov-west-1" }).send(
      new ListRolesCommand({}),
    );
    expect(Roles?.map((r) => r.Arn)).toEqual([
      `arn:aws-us-gov:iam::${GOV_ACCOUNT}:role/GovDeveloper`,
    ]);
    expect(
      await failure(iam(testBroker, { region: "us-gov-west-1" }).send(new ListRolesCommand({}))),
    ).toMatchObject({ name: "InvalidClientTokenId", status: 403 });
  });
});

describe("IAM returns trust policies URL-encoded, as IAM does", () => {
  const brokerStatement = {
    Effect: "Allow",
    Principal: { AWS: testBroker.arn },
    Action: ["sts:AssumeRole", "sts:SetSourceIdentity", "sts:TagSession"],
  };
  const cases = [
    {
      rule: "a role trusting the broker",
      role: "Developer",
      document: { Version: "2012-10-17", Statement: [brokerStatement] },
    },
    {
      rule: "a role requiring MFA",
      role: "BreakGlass",
      account: BIG_ACCOUNT,
      document: {
        Version: "2012-10-17",
        Statement: [
          { ...brokerStatement, Condition: { Bool: { "aws:MultiFactorAuthPresent": "true" } } },
        ],
      },
    },
    {
      rule: "a role trusting a SAML provider",
      role: "SamlReadOnly",
      account: BIG_ACCOUNT,
      document: {
        Version: "2012-10-17",
        Statement: [
          {
            Effect: "Allow",
            Principal: {
              Federated: `arn:aws:iam::${idAt(BIG_ACCOUNT)}:saml-provider/${SAML_PROVIDER_NAME}`,
            },
            Action: "sts:AssumeRoleWithSAML",
            Condition: { StringEquals: { "SAML:aud": "https://signin.aws.amazon.com/saml" } },
          },
        ],
      },
    },
    {
      rule: "a role defined by a policy document",
      role: "Ec2Instance",
      account: BIG_ACCOUNT,
      document: {
        Version: "2012-10-17",
        Statement: [
          {
            Effect: "Allow",
            Principal: { Service: "ec2.amazonaws.com" },
            Action: "sts:AssumeRole",
          },
        ],
      },
    },
  ];

  it.each(cases)("$rule: the document decodes to its JSON", async ({ role, account, document }) => {
    const keys = await session("GatehouseDiscovery", account ?? MEMBER);
    const { Role } = await iam(keys).send(new GetRoleCommand({ RoleName: role }));
    const encoded = Role?.AssumeRolePolicyDocument ?? "";
    expect(encoded).toBe(encodeURIComponent(JSON.stringify(document)));
    expect(JSON.parse(decodeURIComponent(encoded))).toEqual(document);
  });
});

describe("IAM refuses", () => {
  const listRoles = async (keys: Keys | Promise<Keys>, input = {}) =>
    iam(await keys).send(new ListRolesCommand(input));
  const cases: Array<{
    rule: string;
    call: () => Promise<unknown>;
    name: string;
    status: number;
    message?: string;
  }> = [
    {
      rule: "a caller whose permission policy does not allow iam:ListRoles",
      call: () => listRoles(session("IamGetRoleOnly")),
      name: "AccessDenied",
      status: 403,
      message: `User: arn:aws:sts::${TEST_ACCOUNT}:assumed-role/IamGetRoleOnly/test is not authorized to perform: iam:ListRoles on resource: arn:aws:iam::${TEST_ACCOUNT}:role/ because no identity-based policy allows the iam:ListRoles action`,
    },
    {
      rule: "a caller whose permission policy denies iam:ListRoles explicitly",
      call: () => listRoles(session("DenyListRoles")),
      name: "AccessDenied",
      status: 403,
      message: `User: arn:aws:sts::${TEST_ACCOUNT}:assumed-role/DenyListRoles/test is not authorized to perform: iam:ListRoles on resource: arn:aws:iam::${TEST_ACCOUNT}:role/ with an explicit deny in an identity-based policy`,
    },
    {
      rule: "GetRole without iam:GetRole, naming the resource as IAM does",
      call: async () =>
        iam(await session("OrgDescribeOnly")).send(new GetRoleCommand({ RoleName: "Anything" })),
      name: "AccessDenied",
      status: 403,
      message: `User: arn:aws:sts::${TEST_ACCOUNT}:assumed-role/OrgDescribeOnly/test is not authorized to perform: iam:GetRole on resource: role Anything because no identity-based policy allows the iam:GetRole action`,
    },
    {
      rule: "MaxItems of 0",
      call: () => listRoles(testBroker, { MaxItems: 0 }),
      name: "ValidationError",
      status: 400,
      message:
        "1 validation error detected: Value '0' at 'maxItems' failed to satisfy constraint: Member must have value greater than or equal to 1",
    },
    {
      rule: "MaxItems above 1000",
      call: () => listRoles(testBroker, { MaxItems: 1001 }),
      name: "ValidationError",
      status: 400,
    },
    {
      rule: "a PathPrefix not starting with /",
      call: () => listRoles(testBroker, { PathPrefix: "teams/" }),
      name: "ValidationError",
      status: 400,
    },
    {
      rule: "a Marker it never issued",
      call: () => listRoles(testBroker, { Marker: "forged" }),
      name: "ValidationError",
      status: 400,
      message: "Invalid Marker.",
    },
    {
      rule: "a Marker replayed with another PathPrefix",
      call: async () => {
        const keys = await session("GatehouseDiscovery", BIG_ACCOUNT);
        const { Marker } = await listRoles(keys, { MaxItems: 5 });
        return listRoles(keys, { Marker, PathPrefix: "/teams/" });
      },
      name: "ValidationError",
      status: 400,
      message: "Invalid Marker.",
    },
    {
      rule: "a Marker replayed in another account",
      call: async () => {
        const { Marker } = await listRoles(session("GatehouseDiscovery", BIG_ACCOUNT), {
          MaxItems: 5,
        });
        return listRoles(session("GatehouseDiscovery", MEMBER), { Marker });
      },
      name: "ValidationError",
      status: 400,
      message: "Invalid Marker.",
    },
  ];

  it.each(cases)("$rule ($name)", async ({ call, name, status, message }) => {
    const refused = await failure(call());
    expect(refused).toMatchObject({ name, status });
    if (message !== undefined) expect(refused.message).toBe(message);
  });
});

describe("both services authenticate like AWS", () => {
  const badSecret = { accessKeyId: testBroker.accessKeyId, secretAccessKey: "x".repeat(40) };
  const unknownKey = { accessKeyId: "AKIAUNKNOWNKEY000099", secretAccessKey: "y".repeat(40) };
  const cases: Array<{
    rule: string;
    keys: () => Keys | Promise<Keys>;
    region?: string;
    organizations: string;
    iam: string;
    message?: string;
  }> = [
    {
      rule: "a scope naming a region other than the partition's signing region",
      keys: () => testBroker,
      region: "eu-west-1",
      organizations: "InvalidSignatureException",
      iam: "SignatureDoesNotMatch",
      message: "Credential should be scoped to a valid region, not 'eu-west-1'. ",
    },
    {
      rule: "China's IAM region (cn-north-1) for Organizations, which signs for cn-northwest-1",
      keys: () => testBroker,
      region: "cn-north-1",
      organizations: "InvalidSignatureException",
      iam: "InvalidClientTokenId",
    },
    {
      rule: "a wrong secret (bad signature)",
      keys: () => badSecret,
      organizations: "InvalidSignatureException",
      iam: "SignatureDoesNotMatch",
    },
    {
      rule: "an unknown access key",
      keys: () => unknownKey,
      organizations: "UnrecognizedClientException",
      iam: "InvalidClientTokenId",
    },
  ];

  it.each(cases)("refuses $rule", async ({ keys, region, message, ...expected }) => {
    const orgFailure = await failure(
      organizations(await keys(), { region }).send(new DescribeOrganizationCommand({})),
    );
    const iamFailure = await failure(iam(await keys(), { region }).send(new ListRolesCommand({})));
    expect(orgFailure.name).toBe(expected.organizations);
    expect(iamFailure.name).toBe(expected.iam);
    if (message !== undefined) {
      expect(orgFailure.message).toBe(message);
      expect(iamFailure.message).toBe(message);
    }
  });

  it("refuses a session once it has expired (ExpiredTokenException / ExpiredToken)", async () => {
    clock.freeze();
    const keys = await session("Developer", 0, 900);
    clock.advance(900_000);
    // The clients sign on the stand-in's clock, so expiry, not skew, is what fails.
    const options = { systemClockOffset: clock.offsetMs };
    expect(
      await failure(organizations(keys, options).send(new DescribeOrganizationCommand({}))),
    ).toMatchObject({ name: "ExpiredTokenException", status: 400 });
    expect(await failure(iam(keys, options).send(new ListRolesCommand({})))).toMatchObject({
      name: "ExpiredToken",
      status: 403,
    });
  });

  it("refuses an Organizations request signed for another service, naming organizations", async () => {
    const reply = await rawStsRequest(standin, "{}", {
      service: "iam",
      region: "us-east-1",
      contentType: "application/x-amz-json-1.1",
      headers: { "x-amz-target": "AWSOrganizationsV20161128.DescribeOrganization" },
    });
    expect(reply.status).toBe(400);
    expect(reply.headers.get("x-amzn-errortype")).toBe("InvalidSignatureException");
    expect(JSON.parse(reply.body)).toEqual({
      __type: "InvalidSignatureException",
      Message: "Credential should be scoped to correct service: 'organizations'. ",
    });
  });

  it("leaves requests signed for sts (or unsigned) to STS, which knows no ListRoles", async () => {
    const body = "Action=ListRoles&Version=2010-05-08";
    const signed = await rawStsRequest(standin, body, { service: "sts", region: "us-east-1" });
    expect(signed).toMatchObject({ status: 400, code: "InvalidAction" });
    const unsigned = await rawStsRequest(standin, body, { keys: null });
    expect(unsigned).toMatchObject({ status: 403, code: "MissingAuthenticationToken" });
    expect(unsigned.body).toContain('xmlns="https://sts.amazonaws.com/doc/2011-06-15/"');
  });

  it("hands an STS call signed for iam back to STS, which refuses the scope as before", async () => {
    const reply = await rawStsRequest(standin, "Action=GetCallerIdentity&Version=2011-06-15", {
      service: "iam",
      region: "us-east-1",
    });
    expect(reply).toMatchObject({
      status: 403,
      code: "SignatureDoesNotMatch",
      message: "Credential should be scoped to correct service: 'sts'. ",
    });
    expect(reply.body).toContain('xmlns="https://sts.amazonaws.com/doc/2011-06-15/"');
    expect(standin.serviceCalls().some((call) => call.action === "GetCallerIdentity")).toBe(false);
  });

  it("holds a request to IAM's GovCloud host name to us-gov-west-1, as AWS does", async () => {
    const reply = await rawStsRequest(standin, "Action=ListRoles&Version=2010-05-08", {
      service: "iam",
      region: "us-east-1",
      host: "iam.us-gov.amazonaws.com",
    });
    expect(reply).toMatchObject({
      status: 403,
      code: "SignatureDoesNotMatch",
      message: "Credential should be scoped to a valid region, not 'us-east-1'. ",
    });
  });
});

describe("both services speak their protocol strictly", () => {
  const orgRaw = (target: string, body: string) =>
    rawStsRequest(standin, body, {
      service: "organizations",
      region: "us-east-1",
      contentType: "application/x-amz-json-1.1",
      headers: { "x-amz-target": target },
    });
  const cases = [
    {
      rule: "an operation it does not serve",
      target: "AWSOrganizationsV20161128.CreateAccount",
      body: "{}",
      code: "UnknownOperationException",
    },
    {
      rule: "a body that is not JSON",
      target: "AWSOrganizationsV20161128.ListAccounts",
      body: "{not json",
      code: "SerializationException",
    },
    {
      rule: "a MaxResults that is not a number",
      target: "AWSOrganizationsV20161128.ListAccounts",
      body: '{"MaxResults":"5"}',
      code: "SerializationException",
    },
    {
      rule: "a missing required id",
      target: "AWSOrganizationsV20161128.DescribeAccount",
      body: "{}",
      code: "InvalidInputException",
    },
  ];

  it.each(cases)("Organizations refuses $rule ($code)", async ({ target, body, code }) => {
    const reply = await orgRaw(target, body);
    expect(reply.status).toBe(400);
    expect(reply.headers.get("content-type")).toBe("application/x-amz-json-1.1");
    expect(reply.headers.get("x-amzn-errortype")).toBe(code);
    expect((JSON.parse(reply.body) as { __type: string }).__type).toBe(code);
  });

  it("IAM answers errors in its own XML envelope, and requires Version 2010-05-08", async () => {
    const missing = await rawStsRequest(
      standin,
      "Action=GetRole&RoleName=Nope&Version=2010-05-08",
      {
        service: "iam",
        region: "us-east-1",
      },
    );
    expect(missing).toMatchObject({ status: 404, code: "NoSuchEntity" });
    expect(missing.body).toMatch(
      /^<ErrorResponse xmlns="https:\/\/iam\.amazonaws\.com\/doc\/2010-05-08\/"><Error><Type>Sender<\/Type><Code>NoSuchEntity<\/Code>/,
    );
    const versionless = await rawStsRequest(standin, "Action=ListRoles", {
      service: "iam",
      region: "us-east-1",
    });
    expect(versionless).toMatchObject({
      status: 400,
      code: "InvalidAction",
      message: "Could not find operation ListRoles for version NO_VERSION_SPECIFIED",
    });
  });
});

describe("throttling is deterministic and visible in serviceCalls", () => {
  it("answers TooManyRequestsException (with Type) to the first N Organizations requests; the SDK's retries get through", async () => {
    standin.resetCalls();
    standin.setServiceThrottle("organizations", { failFirst: 2 });
    const retryStrategy = recordingRetryStrategy(3);
    const { Accounts } = await organizations(testBroker, { maxAttempts: 3, retryStrategy }).send(
      new ListAccountsCommand({}),
    );
    expect(Accounts).toHaveLength(20);
    expect(retryStrategy.errorTypes).toEqual(["THROTTLING", "THROTTLING"]);
    expect(standin.serviceCalls().map((c) => [c.action, c.errorCode, c.callerArn])).toEqual([
      ["ListAccounts", "TooManyRequestsException", testBroker.arn],
      ["ListAccounts", "TooManyRequestsException", testBroker.arn],
      ["ListAccounts", null, testBroker.arn],
    ]);
  });

  it("shows the raw error with one attempt", async () => {
    standin.setServiceThrottle("organizations", { everyNth: 1 });
    expect(
      await failure(organizations(testBroker).send(new DescribeOrganizationCommand({}))),
    ).toMatchObject({ name: "TooManyRequestsException", status: 400, type: expect.any(String) });
    standin.setServiceThrottle("iam", { everyNth: 1 });
    expect(await failure(iam(testBroker).send(new ListRolesCommand({})))).toMatchObject({
      name: "Throttling",
      status: 400,
      message: "Rate exceeded",
    });
  });

  it("throttles exactly every Nth IAM request", async () => {
    standin.setServiceThrottle("iam", { everyNth: 3 });
    const outcomes: string[] = [];
    for (let i = 0; i < 6; i++) {
      outcomes.push(
        await iam(testBroker)
          .send(new GetRoleCommand({ RoleName: "OrgDescribeOnly" }))
          .then(
            () => "ok",
            (error: Error) => error.name,
          ),
      );
    }
    expect(outcomes).toEqual(["ok", "ok", "Throttling", "ok", "ok", "Throttling"]);
  });

  it("logs identifiers only, never a secret", async () => {
    const keys = await session("GatehouseDiscovery", MEMBER);
    await iam(keys).send(new ListRolesCommand({}));
    const log = JSON.stringify(standin.serviceCalls());
    expect(log).toContain(`assumed-role/GatehouseDiscovery/test`);
    for (const secret of [
      keys.secretAccessKey,
      keys.sessionToken ?? "",
      testBroker.secretAccessKey,
    ]) {
      expect(log).not.toContain(secret);
    }
  });
});

describe("the world changes while the stand-in runs", () => {
  it("a removed role is gone from ListRoles and GetRole, cannot be assumed, and its sessions lose every permission", async () => {
    const account = idAt(6);
    const roleArn = `arn:aws:iam::${account}:role/ReadOnly`;
    const reader = await session("GatehouseDiscovery", 6);
    const oldSession = await session("ReadOnly", 6);
    expect(standin.removeRole(roleArn)).toBe(true);
    expect(standin.removeRole(roleArn)).toBe(false);

    const names = (await allRoles(reader)).flat().map((r) => r.RoleName);
    expect(names).not.toContain("ReadOnly");
    expect(
      await failure(iam(reader).send(new GetRoleCommand({ RoleName: "ReadOnly" }))),
    ).toMatchObject({ name: "NoSuchEntityException", status: 404 });
    const assume = await failure(
      stsClient(standin, testBroker).send(
        new AssumeRoleCommand({ RoleArn: roleArn, RoleSessionName: "test" }),
      ),
    );
    expect(assume).toMatchObject({
      name: "AccessDenied",
      status: 403,
      message: `User: ${testBroker.arn} is not authorized to perform: sts:AssumeRole on resource: ${roleArn}`,
    });
    expect(await failure(iam(oldSession).send(new ListRolesCommand({})))).toMatchObject({
      name: "AccessDenied",
    });
  });

  it("a put role is listed and assumable; replacing it gives it a new RoleId", async () => {
    const account = idAt(7);
    const arn = standin.putRole(account, {
      name: "Fresh",
      path: "/new/",
      description: "Created during the test",
      maxSessionDurationSeconds: 3600,
      trustedPrincipalArns: [testBroker.arn],
      allowsSourceIdentity: true,
      allowsTagSession: true,
    });
    expect(arn).toBe(`arn:aws:iam::${account}:role/new/Fresh`);
    const reader = await session("GatehouseDiscovery", 7);
    const first = (await iam(reader).send(new GetRoleCommand({ RoleName: "Fresh" }))).Role;
    expect(first).toMatchObject({
      Path: "/new/",
      Arn: arn,
      Description: "Created during the test",
    });
    await stsClient(standin, testBroker).send(
      new AssumeRoleCommand({ RoleArn: arn, RoleSessionName: "test" }),
    );

    standin.putRole(
      account,
      definePolicyRole({
        name: "Fresh",
        maxSessionDurationSeconds: 7200,
        trustPolicy: {
          Statement: {
            Effect: "Allow",
            Principal: { AWS: TEST_ACCOUNT },
            Action: "sts:AssumeRole",
          },
        },
      }),
    );
    const second = (await iam(reader).send(new GetRoleCommand({ RoleName: "Fresh" }))).Role;
    expect(second).toMatchObject({ Path: "/", MaxSessionDuration: 7200 });
    expect(second?.RoleId).not.toBe(first?.RoleId);
  });

  it("renaming, moving and adding members shows in Organizations at once", async () => {
    standin.updateOrganizationMember(idAt(8), { name: "renamed-account", parentId: UNITS.sandbox });
    standin.addOrganizationMember({
      id: "300000000001",
      name: "brand-new",
      email: "aws+brand-new@corp.example",
      parentId: UNITS.prod,
    });
    const client = organizations(testBroker);
    const { Account } = await client.send(new DescribeAccountCommand({ AccountId: idAt(8) }));
    expect(Account?.Name).toBe("renamed-account");
    const { Parents } = await client.send(new ListParentsCommand({ ChildId: idAt(8) }));
    expect(Parents).toEqual([{ Id: UNITS.sandbox, Type: "ORGANIZATIONAL_UNIT" }]);
    const accounts = (await allAccounts(testBroker)).flat();
    expect(accounts.at(-1)).toMatchObject({ Id: "300000000001", Name: "brand-new" });
  });

  it("reports each of the five account states AWS has, CLOSED and PENDING_ACTIVATION included", async () => {
    const states = ["PENDING_ACTIVATION", "SUSPENDED", "PENDING_CLOSURE", "CLOSED", "ACTIVE"];
    const client = organizations(testBroker);
    for (const state of states) {
      standin.updateOrganizationMember(idAt(10), { status: state as "CLOSED" });
      const { Account } = await client.send(new DescribeAccountCommand({ AccountId: idAt(10) }));
      expect(Account?.State).toBe(state);
    }
    expect(() =>
      standin.updateOrganizationMember(idAt(10), { status: "DELETED" as "CLOSED" }),
    ).toThrow(/status DELETED is not one of PENDING_ACTIVATION, ACTIVE, SUSPENDED/);
  });

  it("refuses malformed changes with a TypeError naming the problem", () => {
    expect(() =>
      standin.putRole(idAt(9), {
        name: "bad name",
        maxSessionDurationSeconds: 3600,
        trustedPrincipalArns: [],
        allowsSourceIdentity: false,
        allowsTagSession: false,
      }),
    ).toThrow(/role name bad name is invalid/);
    expect(() => standin.updateOrganizationMember("999999999999", { name: "x" })).toThrow(
      /999999999999 is not a member/,
    );
    expect(() =>
      standin.updateOrganizationMember(idAt(9), { parentId: "ou-te57-missing1" }),
    ).toThrow(/neither the root nor a unit/);
    expect(() =>
      standin.addOrganizationMember({ id: idAt(9), name: "dup", email: "a@b.example" }),
    ).toThrow(/member twice/);
    expect(() => standin.setServiceThrottle("iam", { everyNth: 0 })).toThrow(TypeError);
  });

  it("offers the same controls as /__standin routes", async () => {
    const post = (path: string, body: unknown) =>
      fetch(`${standin.url}/__standin/${path}`, {
        method: "POST",
        headers: { "content-type": "application/json" },
        body: JSON.stringify(body),
      });
    expect(
      (await post("service-throttle", { service: "iam", throttle: { failFirst: 1 } })).status,
    ).toBe(200);
    expect(await failure(iam(testBroker).send(new ListRolesCommand({})))).toMatchObject({
      name: "Throttling",
    });
    const removed = await post("remove-role", {
      roleArn: `arn:aws:iam::${idAt(10)}:role/Developer`,
    });
    expect(await removed.json()).toEqual({ removed: true });
    expect(
      (await post("update-organization-member", { accountId: idAt(10), patch: { name: 5 } }))
        .status,
    ).toBe(400);
    const calls = (await (
      await fetch(`${standin.url}/__standin/service-calls`)
    ).json()) as unknown[];
    expect(calls.at(-1)).toMatchObject({
      service: "iam",
      action: "ListRoles",
      errorCode: "Throttling",
    });
  });
});

// The pure rules of account and role discovery (docs/DISCOVERY.md): reading trust policies (IAM's
// URL-encoded form and plain JSON), deriving environments, the diff for every change kind, the
// bounded retries, the settings, and that a role gone from AWS grants nothing.
import { describe, expect, it } from "vitest";
import { resolveGrants, type RuleForResolution } from "@/lib/access/resolve-grants";
import { loadConfig } from "@/lib/config/load-config";
import type { KnownAccount, KnownRole } from "@/lib/discovery/changes";
import { diffDiscovery } from "@/lib/discovery/diff";
import { environmentOf, nameOf } from "@/lib/discovery/environment";
import { roleProblem } from "@/lib/discovery/read-account-roles";
import { RetriesExhaustedError, withRetries, type RetryPolicy } from "@/lib/discovery/retry";
import type {
  DiscoveredAccount,
  DiscoveredRole,
  DiscoverySnapshot,
} from "@/lib/discovery/snapshot";
import { decodeTrustPolicy, readTrust } from "@/lib/discovery/trust-policy";

const BROKER = "arn:aws:iam::100000000001:user/gatehouse-broker";
const CONTEXT = { brokerArn: BROKER, brokerAccount: "100000000001", partition: "aws" };
const SAML = "arn:aws:iam::200000000002:saml-provider/corp-idp";

function policy(...statements: object[]): string {
  return JSON.stringify({ Version: "2012-10-17", Statement: statements });
}
const allowBroker = (extra: object = {}) => ({
  Effect: "Allow",
  Principal: { AWS: BROKER },
  Action: ["sts:AssumeRole", "sts:SetSourceIdentity"],
  ...extra,
});

describe("trust policies: who may assume a role", () => {
  const cases: Array<[string, string, ReturnType<typeof readTrust>["kind"], object?]> = [
    ["the broker user by ARN", policy(allowBroker()), "broker"],
    [
      "the broker's account root",
      policy({
        Effect: "Allow",
        Principal: { AWS: "arn:aws:iam::100000000001:root" },
        Action: "sts:AssumeRole",
      }),
      "broker",
    ],
    [
      "the broker's account id alone",
      policy({
        Effect: "Allow",
        Principal: { AWS: ["111111111111", "100000000001"] },
        Action: "sts:*",
      }),
      "broker",
    ],
    [
      "MFA required",
      policy(allowBroker({ Condition: { Bool: { "aws:MultiFactorAuthPresent": "true" } } })),
      "broker",
      { requiresMfa: true, requiresExternalId: false },
    ],
    [
      "external id required",
      policy(allowBroker({ Condition: { StringEquals: { "sts:ExternalId": "x" } } })),
      "broker",
      { requiresMfa: false, requiresExternalId: true },
    ],
    [
      "a SAML provider",
      policy({
        Effect: "Allow",
        Principal: { Federated: SAML },
        Action: "sts:AssumeRoleWithSAML",
        Condition: { StringEquals: { "SAML:aud": "https://signin.aws.amazon.com/saml" } },
      }),
      "saml",
      { samlProviderArn: SAML },
    ],
    [
      "another account only",
      policy({
        Effect: "Allow",
        Principal: { AWS: "arn:aws:iam::999999999999:root" },
        Action: "sts:AssumeRole",
      }),
      "untrusted",
    ],
    [
      "a service principal",
      policy({
        Effect: "Allow",
        Principal: { Service: "ec2.amazonaws.com" },
        Action: "sts:AssumeRole",
      }),
      "untrusted",
    ],
    [
      "the broker, but only for TagSession",
      policy(allowBroker({ Action: "sts:TagSession" })),
      "untrusted",
    ],
    [
      "a Deny of the broker wins",
      policy(allowBroker(), {
        Effect: "Deny",
        Principal: { AWS: BROKER },
        Action: "sts:AssumeRole",
      }),
      "untrusted",
    ],
    ["not JSON", "{not json", "untrusted"],
  ];
  it.each(cases)("%s", (_name, document, kind, fields) => {
    const verdict = readTrust(document, CONTEXT);
    expect(verdict.kind).toBe(kind);
    if (fields) expect(verdict).toMatchObject(fields);
  });

  it("reads IAM's URL-encoded AssumeRolePolicyDocument the same as the JSON", () => {
    const json = policy(allowBroker());
    expect(readTrust(encodeURIComponent(json), CONTEXT)).toEqual(readTrust(json, CONTEXT));
    expect(decodeTrustPolicy(encodeURIComponent(json))).toEqual(JSON.parse(json));
  });
});

describe("environment and name from tags and OUs", () => {
  const mapping = {
    environmentTag: "environment",
    nameTag: "Name",
    ouEnvironments: new Map([
      ["prod", "prod"],
      ["nonprod", "dev"],
    ]),
  };
  it.each([
    ["the tag wins", { tags: { environment: "Staging" }, path: ["Root", "Prod"] }, "staging"],
    ["the nearest mapped OU", { tags: {}, path: ["Root", "NonProd", "Prod"] }, "prod"],
    [
      "an outer OU when the inner has no label",
      { tags: {}, path: ["Root", "NonProd", "Team A"] },
      "dev",
    ],
    ["unassigned otherwise", { tags: {}, path: ["Root"] }, "unassigned"],
    [
      "a tag folded to a label",
      { tags: { environment: "  Pre Prod! " }, path: ["Root"] },
      "pre-prod",
    ],
    [
      "a long tag cut to what the forms accept (24)",
      { tags: { environment: "production-eu-central-1-payments" }, path: ["Root"] },
      "production-eu-central-1",
    ],
  ])("%s", (_name, account, expected) => {
    expect(environmentOf(account, mapping)).toBe(expected);
  });
  it("the name tag replaces the Organizations name", () => {
    expect(nameOf({ name: "acct-7", tags: { Name: "Payments Prod" } }, mapping)).toBe(
      "Payments Prod",
    );
    expect(nameOf({ name: "acct-7", tags: {} }, mapping)).toBe("acct-7");
    expect(nameOf({ name: "a\nb\tc", tags: { Name: " " } }, mapping)).toBe("a b c");
    expect(nameOf({ name: "x".repeat(80), tags: {} }, mapping)).toHaveLength(64);
  });
});

const trustBroker = { kind: "broker", requiresMfa: false, requiresExternalId: false } as const;
function discoveredRole(
  name: string,
  account = "200000000002",
  extra: Partial<DiscoveredRole> = {},
): DiscoveredRole {
  return {
    arn: `arn:aws:iam::${account}:role/${name}`,
    name,
    path: "/",
    description: `${name} role`,
    maxSessionDurationSeconds: 3600,
    trust: trustBroker,
    ...extra,
  };
}
function knownRole(
  name: string,
  account = "200000000002",
  extra: Partial<KnownRole> = {},
): KnownRole {
  return {
    arn: `arn:aws:iam::${account}:role/${name}`,
    name,
    description: `${name} role`,
    maxSessionDurationSeconds: 3600,
    assumeMethod: "assume-role",
    samlProviderArn: null,
    requiresBrokerMfa: false,
    missingSince: null,
    trustStatus: "broker",
    ruleCount: 2,
    ...extra,
  };
}
function discovered(extra: Partial<DiscoveredAccount> = {}): DiscoveredAccount {
  return {
    accountId: "200000000002",
    name: "payments",
    status: "ACTIVE",
    path: ["Root", "Prod"],
    tags: { environment: "prod" },
    roles: [discoveredRole("Admin")],
    rolesError: null,
    ...extra,
  };
}
function known(extra: Partial<KnownAccount> = {}): KnownAccount {
  return {
    accountId: "200000000002",
    name: "payments",
    environment: "prod",
    tags: { environment: "prod" },
    organizationStatus: "ACTIVE",
    organizationPath: "Root/Prod",
    roles: [knownRole("Admin")],
    ...extra,
  };
}
const MAPPING = {
  environmentTag: "environment",
  nameTag: undefined,
  ouEnvironments: new Map<string, string>(),
};
function diff(accounts: DiscoveredAccount[], stored: KnownAccount[]) {
  const snapshot: DiscoverySnapshot = {
    organizationId: "o-abc",
    managementAccountId: "1",
    accounts,
    untrustedRoleCount: 0,
    malformed: [],
  };
  return diffDiscovery(snapshot, stored, MAPPING);
}

describe("the diff: one change per kind, nothing when nothing changed", () => {
  it("no change when AWS matches the database", () => {
    expect(diff([discovered()], [known()]).changes).toEqual([]);
  });
  it("account-new carries its assumable roles only", () => {
    const untrusted = discoveredRole("Ops", undefined, {
      trust: { kind: "untrusted", reason: "x" },
    });
    const [change] = diff(
      [discovered({ roles: [discoveredRole("Admin"), untrusted] })],
      [],
    ).changes;
    expect(change).toMatchObject({
      kind: "account-new",
      accountId: "200000000002",
      environment: "prod",
      path: "Root/Prod",
    });
    expect(change?.kind === "account-new" && change.roles.map((r) => r.name)).toEqual(["Admin"]);
  });
  it("account-renamed", () => {
    expect(diff([discovered({ name: "payments-prod" })], [known()]).changes).toMatchObject([
      { kind: "account-renamed", from: "payments", to: "payments-prod" },
    ]);
  });
  it("account-status: suspended", () => {
    expect(
      diff([discovered({ status: "SUSPENDED", roles: null, rolesError: "suspended" })], [known()])
        .changes,
    ).toMatchObject([{ kind: "account-status", from: "ACTIVE", to: "SUSPENDED", ruleCount: 2 }]);
  });
  it("account-status: left the organization (only once discovered before)", () => {
    expect(diff([], [known()]).changes).toMatchObject([
      { kind: "account-status", to: "NOT_IN_ORGANIZATION" },
    ]);
    const handEntered = diff([], [known({ organizationStatus: "" })]);
    expect(handEntered.changes).toEqual([]);
    expect(handEntered.notices[0]?.message).toMatch(/not in the organization/);
  });
  it("account-details: environment, OU path and tags", () => {
    const [change] = diff(
      [discovered({ tags: { environment: "staging" }, path: ["Root", "NonProd"] })],
      [known()],
    ).changes;
    expect(change).toMatchObject({
      kind: "account-details",
      environment: { from: "prod", to: "staging" },
      path: { from: "Root/Prod", to: "Root/NonProd" },
    });
  });
  it("role-new only for roles the portal can assume", () => {
    const roles = [
      discoveredRole("Admin"),
      discoveredRole("ReadOnly"),
      discoveredRole("Ec2", undefined, { trust: { kind: "untrusted", reason: "service" } }),
    ];
    expect(diff([discovered({ roles })], [known()]).changes).toMatchObject([
      { kind: "role-new", role: { name: "ReadOnly" } },
    ]);
  });
  it("role-gone counts the rules that stop granting", () => {
    expect(diff([discovered({ roles: [] })], [known()]).changes).toMatchObject([
      { kind: "role-gone", name: "Admin", ruleCount: 2 },
    ]);
  });
  it("an unreadable account marks none of its roles gone", () => {
    expect(
      diff([discovered({ roles: null, rolesError: "AccessDenied" })], [known()]).changes,
    ).toEqual([]);
  });
  it("role-returned when a missing role is back", () => {
    expect(
      diff(
        [discovered()],
        [known({ roles: [knownRole("Admin", undefined, { missingSince: new Date() })] })],
      ).changes,
    ).toMatchObject([{ kind: "role-returned", name: "Admin" }]);
  });
  it("role-changed: description, MaxSessionDuration, trust no longer naming the broker", () => {
    const role = discoveredRole("Admin", undefined, {
      description: "new words",
      maxSessionDurationSeconds: 7200,
      trust: { kind: "untrusted", reason: "names neither" },
    });
    const [change] = diff([discovered({ roles: [role] })], [known()]).changes;
    expect(change).toMatchObject({ kind: "role-changed", trust: { kind: "untrusted" } });
    expect(change?.kind === "role-changed" && change.fields.map((f) => f.field)).toEqual([
      "description",
      "maxSessionDurationSeconds",
      "trustStatus",
    ]);
  });
  it("role-changed: a role moved to SAML", () => {
    const role = discoveredRole("Admin", undefined, {
      trust: { kind: "saml", samlProviderArn: SAML },
    });
    const [change] = diff([discovered({ roles: [role] })], [known()]).changes;
    expect(change?.kind === "role-changed" && change.fields).toEqual([
      { field: "assumeMethod", from: "assume-role", to: "assume-role-with-saml" },
      { field: "samlProviderArn", from: null, to: SAML },
      { field: "trustStatus", from: "broker", to: "saml" },
    ]);
  });
  it("a never-read trust status is no news when the role is assumable", () => {
    expect(
      diff([discovered()], [known({ roles: [knownRole("Admin", undefined, { trustStatus: "" })] })])
        .changes,
    ).toEqual([]);
  });
});

describe("malformed answers from IAM are left out, each with a reason", () => {
  const ok = {
    RoleId: "AROAEXAMPLE000000001",
    CreateDate: new Date("2026-01-01T00:00:00Z"),
    RoleName: "Admin",
    Path: "/",
    Arn: "arn:aws:iam::200000000002:role/Admin",
    MaxSessionDuration: 3600,
  };
  it.each([
    ["a well-formed role", ok, null],
    [
      "a role with a path",
      { ...ok, Path: "/teams/a/", Arn: "arn:aws:iam::200000000002:role/teams/a/Admin" },
      null,
    ],
    ["a name with a space", { ...ok, RoleName: "Ad min" }, /a role named/],
    ["an ARN in another account", { ...ok, Arn: "arn:aws:iam::999999999999:role/Admin" }, /ARN/],
    [
      "an ARN in another partition",
      { ...ok, Arn: "arn:aws-cn:iam::200000000002:role/Admin" },
      /ARN/,
    ],
    ["a path without its slashes", { ...ok, Path: "teams" }, /path/],
    [
      "MaxSessionDuration out of IAM's range",
      { ...ok, MaxSessionDuration: 60 },
      /MaxSessionDuration/,
    ],
    [
      "the same name twice (IAM names ignore case)",
      { ...ok, RoleName: "ADMIN", Arn: "arn:aws:iam::200000000002:role/ADMIN" },
      /twice/,
    ],
  ])("%s", (_name, role, problem) => {
    // The negative cases run after a role "admin" was seen: only the duplicate may trip on that.
    if (problem === null) expect(roleProblem(role, "aws", "200000000002", new Set())).toBeNull();
    else
      expect(roleProblem(role, "aws", "200000000002", new Set(["admin"])) ?? "").toMatch(problem);
  });
});

describe("bounded retries", () => {
  const throttled = () =>
    Object.assign(new Error("Rate exceeded"), {
      name: "TooManyRequestsException",
      $fault: "client",
      $metadata: { httpStatusCode: 400 },
    });
  function policy(maxAttempts: number, waits: number[]): RetryPolicy {
    return {
      maxAttempts,
      baseMs: 500,
      capMs: 4000,
      random: () => 0.999,
      sleep: (ms) => {
        waits.push(ms);
        return Promise.resolve();
      },
    };
  }
  it("retries throttling with doubling, capped waits, then succeeds", async () => {
    const waits: number[] = [];
    let n = 0;
    const counters = { calls: 0, retries: 0 };
    const value = await withRetries(
      "op",
      async () => (++n < 6 ? Promise.reject(throttled()) : "ok"),
      policy(8, waits),
      counters,
    );
    expect(value).toBe("ok");
    expect(waits).toEqual([499, 999, 1998, 3996, 3996]);
    expect(counters).toEqual({ calls: 6, retries: 5 });
  });
  it("gives up after maxAttempts with the last AWS error", async () => {
    const counters = { calls: 0, retries: 0 };
    const failing = withRetries(
      "Organizations ListAccounts",
      () => Promise.reject(throttled()),
      policy(3, []),
      counters,
    );
    await expect(failing).rejects.toBeInstanceOf(RetriesExhaustedError);
    await expect(failing).rejects.toThrow(
      /ListAccounts failed 3 times; last: TooManyRequestsException/,
    );
    expect(counters.calls).toBe(3);
  });
  it("does not retry a refusal", async () => {
    const counters = { calls: 0, retries: 0 };
    // Shaped as the SDK throws them: a fault side and the HTTP status.
    const denied = Object.assign(new Error("no"), {
      name: "AccessDeniedException",
      $fault: "client",
      $metadata: { httpStatusCode: 400 },
    });
    await expect(
      withRetries("op", () => Promise.reject(denied), policy(8, []), counters),
    ).rejects.toBe(denied);
    expect(counters.calls).toBe(1);
  });
});

describe("discovery settings", () => {
  const base = {
    DATABASE_URL: "file:./x.db",
    NEXTAUTH_URL: "http://127.0.0.1:3000",
    NEXTAUTH_SECRET: "x".repeat(40),
    OIDC_ISSUER: "http://127.0.0.1:3100",
    OIDC_CLIENT_ID: "c",
    OIDC_CLIENT_SECRET: "s",
    AWS_REGION: "us-east-1",
    GATEHOUSE_ADMIN_GROUP: "gatehouse-admins",
  };
  const load = (extra: Record<string, string>) => loadConfig({ ...base, ...extra });
  it("off without an organization role", () => {
    expect(load({}).discovery).toBeNull();
  });
  it("reads every setting", () => {
    const config = load({
      GATEHOUSE_DISCOVERY_ORGANIZATION_ROLE_ARN:
        "arn:aws:iam::100000000001:role/GatehouseOrgReader",
      GATEHOUSE_DISCOVERY_OU_ENVIRONMENTS: "Prod=prod, NonProd=dev",
      GATEHOUSE_DISCOVERY_SYNC_INTERVAL_SECONDS: "3600",
    }).discovery;
    expect(config).toMatchObject({
      roleName: "GatehouseDiscovery",
      environmentTag: "environment",
      syncIntervalSeconds: 3600,
      concurrency: 8,
      maxAttempts: 8,
    });
    expect([...(config?.ouEnvironments ?? [])]).toEqual([
      ["prod", "prod"],
      ["nonprod", "dev"],
    ]);
  });
  it.each([
    [
      "an administrator role for Organizations",
      {
        GATEHOUSE_DISCOVERY_ORGANIZATION_ROLE_ARN:
          "arn:aws:iam::100000000001:role/OrganizationAccountAccessRole",
      },
      /administrator role/,
    ],
    [
      "an administrator role per account",
      {
        GATEHOUSE_DISCOVERY_ORGANIZATION_ROLE_ARN: "arn:aws:iam::100000000001:role/R",
        GATEHOUSE_DISCOVERY_ROLE_NAME: "AWSControlTowerExecution",
      },
      /administrator role/,
    ],
    [
      "not a role ARN",
      { GATEHOUSE_DISCOVERY_ORGANIZATION_ROLE_ARN: "arn:aws:iam::1:user/x" },
      /must be an IAM role ARN/,
    ],
    [
      "another partition than the broker",
      { GATEHOUSE_DISCOVERY_ORGANIZATION_ROLE_ARN: "arn:aws-cn:iam::100000000001:role/R" },
      /partition aws-cn/,
    ],
    [
      "a sync interval without discovery",
      { GATEHOUSE_DISCOVERY_SYNC_INTERVAL_SECONDS: "600" },
      /needs GATEHOUSE_DISCOVERY_ORGANIZATION_ROLE_ARN/,
    ],
    [
      "a sync interval under five minutes",
      {
        GATEHOUSE_DISCOVERY_ORGANIZATION_ROLE_ARN: "arn:aws:iam::100000000001:role/R",
        GATEHOUSE_DISCOVERY_SYNC_INTERVAL_SECONDS: "60",
      },
      /between 300/,
    ],
    [
      "a malformed OU mapping",
      {
        GATEHOUSE_DISCOVERY_ORGANIZATION_ROLE_ARN: "arn:aws:iam::100000000001:role/R",
        GATEHOUSE_DISCOVERY_OU_ENVIRONMENTS: "Prod",
      },
      /OU name=environment label/,
    ],
  ])("refuses %s", (_name, extra, message) => {
    expect(() => load(extra)).toThrow(message);
  });
});

describe("a role gone from AWS, or in a suspended account, grants nothing", () => {
  const rule = (
    role: Partial<RuleForResolution["role"]> = {},
    account: object = {},
  ): RuleForResolution => ({
    id: "rule-1",
    groupName: "developers",
    groupIssuer: null,
    personId: null,
    maxSessionDurationSeconds: 3600,
    allowConsole: true,
    allowCli: true,
    expiresAt: null,
    requireMfa: false,
    sessionPolicy: null,
    role: {
      id: "role-1",
      name: "Admin",
      arn: "arn:aws:iam::200000000002:role/Admin",
      description: "",
      maxSessionDurationSeconds: 3600,
      assumeMethod: "assume-role",
      samlProviderArn: null,
      externalId: null,
      requiresBrokerMfa: false,
      awsAccount: {
        accountId: "200000000002",
        name: "payments",
        alias: "",
        environment: "prod",
        description: "",
        ...account,
      },
      ...role,
    },
  });
  const principal = { personId: "p", issuer: "i", groups: ["developers"] };
  const now = new Date("2026-12-04T12:00:00Z");
  it.each([
    ["a present role grants", rule(), 1],
    ["a role marked missing grants nothing", rule({ missingSince: now }), 0],
    ["a suspended account grants nothing", rule({}, { organizationStatus: "SUSPENDED" }), 0],
    ["a closing account grants nothing", rule({}, { organizationStatus: "PENDING_CLOSURE" }), 0],
    [
      "an account that left the organization still grants",
      rule({}, { organizationStatus: "NOT_IN_ORGANIZATION" }),
      1,
    ],
  ])("%s", (_name, r, count) => {
    expect(resolveGrants([r], principal, now)).toHaveLength(count);
  });
});

import { describe, expect, it } from "vitest";
import { MIN_SESSION_SECONDS } from "@/lib/aws/partitions";
import {
  mergeSessionPolicies,
  resolveGrants,
  type Principal,
  type RuleForResolution,
} from "@/lib/access/resolve-grants";
import { validateSessionPolicy } from "@/lib/aws/session-policy";

const NOW = new Date("2026-11-26T12:00:00Z");

function role(id: string, maxSessionDurationSeconds = 3600, accountName = "acme-staging") {
  return {
    id,
    name: `Role-${id}`,
    arn: `arn:aws:iam::345678901234:role/Role-${id}`,
    description: "",
    maxSessionDurationSeconds,
    assumeMethod: "assume-role",
    samlProviderArn: null,
    externalId: null,
    requiresBrokerMfa: false,
    awsAccount: {
      accountId: accountName === "acme-staging" ? "345678901234" : "210987654321",
      name: accountName,
      alias: "",
      environment: "staging",
      description: "",
    },
  };
}

let ruleSeq = 0;
function rule(
  overrides: Partial<RuleForResolution> & { role: RuleForResolution["role"] },
): RuleForResolution {
  ruleSeq += 1;
  return {
    id: `rule${ruleSeq}`,
    groupName: null,
    groupIssuer: null,
    personId: null,
    maxSessionDurationSeconds: 3600,
    allowConsole: true,
    allowCli: true,
    expiresAt: null,
    requireMfa: false,
    sessionPolicy: null,
    ...overrides,
  };
}

const ISSUER = "https://login.corp.example";
const bob = { personId: "user-bob", issuer: ISSUER, groups: ["developers"] };

describe("access resolution", () => {
  it("a group rule grants the role to members of that group only", () => {
    const rules = [rule({ groupName: "developers", role: role("a") })];
    expect(resolveGrants(rules, bob, NOW).map((g) => g.roleId)).toEqual(["a"]);
    expect(
      resolveGrants(rules, { personId: "user-carol", issuer: ISSUER, groups: [] }, NOW),
    ).toEqual([]);
    expect(
      resolveGrants(
        rules,
        { personId: "user-eve", issuer: ISSUER, groups: ["Developers", "developers-x"] },
        NOW,
      ),
    ).toEqual([]);
  });

  it("a user rule grants the role to that user only, whatever their groups", () => {
    const rules = [rule({ personId: "user-bob", role: role("a") })];
    expect(resolveGrants(rules, bob, NOW)).toHaveLength(1);
    expect(
      resolveGrants(rules, { personId: "user-alice", issuer: ISSUER, groups: ["developers"] }, NOW),
    ).toEqual([]);
  });

  it("a rule naming neither a group nor a user grants nothing", () => {
    expect(resolveGrants([rule({ role: role("a") })], bob, NOW)).toEqual([]);
  });

  it("an expired rule grants nothing; one expiring later still grants", () => {
    const expired = rule({
      groupName: "developers",
      role: role("a"),
      expiresAt: new Date(NOW.getTime() - 1),
    });
    const atNow = rule({ groupName: "developers", role: role("b"), expiresAt: NOW });
    const later = rule({
      groupName: "developers",
      role: role("c"),
      expiresAt: new Date(NOW.getTime() + 60_000),
    });
    expect(resolveGrants([expired, atNow, later], bob, NOW).map((g) => g.roleId)).toEqual(["c"]);
  });

  it("the session duration is the rule's cap when below the role's maximum", () => {
    const [grant] = resolveGrants(
      [rule({ groupName: "developers", maxSessionDurationSeconds: 1800, role: role("a", 43200) })],
      bob,
      NOW,
    );
    expect(grant?.maxSessionDurationSeconds).toBe(1800);
  });

  it("the session duration is the role's maximum when the rule allows more", () => {
    const [grant] = resolveGrants(
      [rule({ groupName: "developers", maxSessionDurationSeconds: 43200, role: role("a", 3600) })],
      bob,
      NOW,
    );
    expect(grant?.maxSessionDurationSeconds).toBe(3600);
  });

  it("the session duration never goes below AWS's 900-second floor", () => {
    const [grant] = resolveGrants(
      [rule({ groupName: "developers", maxSessionDurationSeconds: 60, role: role("a") })],
      bob,
      NOW,
    );
    expect(grant?.maxSessionDurationSeconds).toBe(MIN_SESSION_SECONDS);
  });

  it("several rules for one role merge: outputs are the union, duration the longest (still capped)", () => {
    const r = role("a", 7200);
    const grants = resolveGrants(
      [
        rule({
          groupName: "developers",
          maxSessionDurationSeconds: 3600,
          allowConsole: true,
          allowCli: false,
          role: r,
        }),
        rule({
          personId: "user-bob",
          maxSessionDurationSeconds: 43200,
          allowConsole: false,
          allowCli: true,
          role: r,
        }),
      ],
      bob,
      NOW,
    );
    expect(grants).toHaveLength(1);
    expect(grants[0]).toMatchObject({
      allowConsole: true,
      allowCli: true,
      maxSessionDurationSeconds: 7200,
    });
    expect(grants[0]?.ruleIds).toHaveLength(2);
  });

  it("a rule allowing neither console nor CLI grants nothing", () => {
    expect(
      resolveGrants(
        [rule({ groupName: "developers", allowConsole: false, allowCli: false, role: role("a") })],
        bob,
        NOW,
      ),
    ).toEqual([]);
  });

  it("outputs are kept per rule: console-only and CLI-only grants stay that way", () => {
    const grants = resolveGrants(
      [
        rule({ groupName: "developers", allowCli: false, role: role("console-only") }),
        rule({ groupName: "developers", allowConsole: false, role: role("cli-only") }),
      ],
      bob,
      NOW,
    );
    expect(grants.find((g) => g.roleId === "console-only")).toMatchObject({
      allowConsole: true,
      allowCli: false,
    });
    expect(grants.find((g) => g.roleId === "cli-only")).toMatchObject({
      allowConsole: false,
      allowCli: true,
    });
  });

  it("grants are sorted by account name, then role name", () => {
    const grants = resolveGrants(
      [
        rule({ groupName: "developers", role: { ...role("z"), name: "Zeta" } }),
        rule({
          groupName: "developers",
          role: { ...role("p", 3600, "acme-production"), name: "ReadOnly" },
        }),
        rule({ groupName: "developers", role: { ...role("a"), name: "Alpha" } }),
      ],
      bob,
      NOW,
    );
    expect(grants.map((g) => `${g.account.name}/${g.roleName}`)).toEqual([
      "acme-production/ReadOnly",
      "acme-staging/Alpha",
      "acme-staging/Zeta",
    ]);
  });
});

const bobWithMfa = { ...bob, mfaAuthenticated: true };
const policy = (...statements: object[]) =>
  JSON.stringify({ Version: "2012-10-17", Statement: statements });
const s3Read = { Effect: "Allow", Action: "s3:GetObject", Resource: "*" };
const ec2Read = { Effect: "Allow", Action: "ec2:Describe*", Resource: "*" };
const denyDelete = { Effect: "Deny", Action: "s3:DeleteObject", Resource: "*" };

describe("access rules requiring MFA", () => {
  const cases: Array<{
    rule: string;
    rules: (r: RuleForResolution["role"]) => RuleForResolution[];
    principal: Principal;
    expected: { needsMfaStepUp: boolean; allowConsole: boolean; allowCli: boolean } | null;
  }> = [
    {
      rule: "an MFA rule grants outright to a sign-in with MFA",
      rules: (r) => [rule({ groupName: "developers", requireMfa: true, role: r })],
      principal: bobWithMfa,
      expected: { needsMfaStepUp: false, allowConsole: true, allowCli: true },
    },
    {
      rule: "an MFA rule alone lists the role for a step-up to a sign-in without MFA",
      rules: (r) => [rule({ groupName: "developers", requireMfa: true, role: r })],
      principal: bob,
      expected: { needsMfaStepUp: true, allowConsole: true, allowCli: true },
    },
    {
      rule: "a missing mfaAuthenticated counts as no MFA",
      rules: (r) => [rule({ groupName: "developers", requireMfa: true, role: r })],
      principal: { personId: "user-bob", issuer: ISSUER, groups: ["developers"] },
      expected: { needsMfaStepUp: true, allowConsole: true, allowCli: true },
    },
    {
      rule: "a rule without MFA for the same role wins (rules are additive)",
      rules: (r) => [
        rule({ groupName: "developers", requireMfa: true, role: r }),
        rule({ personId: "user-bob", allowCli: false, role: r }),
      ],
      principal: bob,
      expected: { needsMfaStepUp: false, allowConsole: true, allowCli: false },
    },
    {
      rule: "the step-up listing shows the outputs the MFA rules would allow",
      rules: (r) => [
        rule({ groupName: "developers", requireMfa: true, allowConsole: false, role: r }),
      ],
      principal: bob,
      expected: { needsMfaStepUp: true, allowConsole: false, allowCli: true },
    },
    {
      rule: "with MFA, MFA and plain rules merge their outputs",
      rules: (r) => [
        rule({ groupName: "developers", requireMfa: true, allowConsole: false, role: r }),
        rule({ personId: "user-bob", allowCli: false, role: r }),
      ],
      principal: bobWithMfa,
      expected: { needsMfaStepUp: false, allowConsole: true, allowCli: true },
    },
    {
      rule: "an expired MFA rule lists nothing",
      rules: (r) => [
        rule({
          groupName: "developers",
          requireMfa: true,
          expiresAt: new Date(NOW.getTime() - 1),
          role: r,
        }),
      ],
      principal: bob,
      expected: null,
    },
    {
      rule: "an MFA rule for another group lists nothing",
      rules: (r) => [rule({ groupName: "admins", requireMfa: true, role: r })],
      principal: bobWithMfa,
      expected: null,
    },
  ];
  it.each(cases)("$rule", ({ rules, principal, expected }) => {
    const grants = resolveGrants(rules(role("a")), principal, NOW);
    if (expected === null) expect(grants).toEqual([]);
    else {
      expect(grants).toHaveLength(1);
      expect(grants[0]).toMatchObject(expected);
    }
  });

  it("without MFA, the duration comes from the usable rules only", () => {
    const r = role("a", 43200);
    const [grant] = resolveGrants(
      [
        rule({
          groupName: "developers",
          requireMfa: true,
          maxSessionDurationSeconds: 43200,
          role: r,
        }),
        rule({ personId: "user-bob", maxSessionDurationSeconds: 1800, role: r }),
      ],
      bob,
      NOW,
    );
    expect(grant?.maxSessionDurationSeconds).toBe(1800);
    expect(grant?.ruleIds).toHaveLength(1);
    const [stepped] = resolveGrants(
      [
        rule({
          groupName: "developers",
          requireMfa: true,
          maxSessionDurationSeconds: 43200,
          role: r,
        }),
        rule({ personId: "user-bob", maxSessionDurationSeconds: 1800, role: r }),
      ],
      bobWithMfa,
      NOW,
    );
    expect(stepped?.maxSessionDurationSeconds).toBe(43200);
  });
});

describe("session policies across rules", () => {
  const cases: Array<{ rule: string; policies: Array<string | null>; expected: string | null }> = [
    { rule: "no rule has a policy: no policy", policies: [null, null], expected: null },
    {
      rule: "a rule without a policy grants the whole role: no policy",
      policies: [policy(s3Read), null],
      expected: null,
    },
    {
      rule: "a blank policy counts as none",
      policies: [policy(s3Read), "  "],
      expected: null,
    },
    {
      rule: "one rule's policy is used as is",
      policies: [policy(s3Read)],
      expected: policy(s3Read),
    },
    {
      rule: "the same policy on two rules is used once",
      policies: [policy(s3Read), ` ${policy(s3Read)}\n`],
      expected: policy(s3Read),
    },
    {
      rule: "different policies are combined into one document of all their statements",
      policies: [policy(s3Read), policy(ec2Read)],
      expected: policy(ec2Read, s3Read),
    },
    {
      rule: "a Deny in one rule's policy narrows the combined document too (fail closed)",
      policies: [policy(s3Read, denyDelete), policy(ec2Read)],
      expected: policy(ec2Read, s3Read, denyDelete),
    },
    {
      rule: "an invalid policy is not merged away: it is kept, so issuance refuses it",
      policies: [policy(s3Read), "{not json"],
      expected: "{not json",
    },
    {
      rule: "an invalid Version is not repaired by merging",
      policies: [policy(s3Read), JSON.stringify({ Version: "1999-01-01", Statement: [ec2Read] })],
      expected: JSON.stringify({ Version: "1999-01-01", Statement: [ec2Read] }),
    },
  ];
  it.each(cases)("$rule", ({ policies, expected }) => {
    const merged = mergeSessionPolicies(policies);
    if (expected === null || !expected.startsWith('{"Version":"2012'))
      expect(merged).toBe(expected);
    else expect(JSON.parse(merged ?? "null")).toEqual(JSON.parse(expected));
  });

  it("a merged document allows nothing that no single rule's policy allows", () => {
    const merged = mergeSessionPolicies([policy(s3Read), policy(ec2Read, denyDelete)]);
    const check = validateSessionPolicy(merged ?? "");
    expect(check.ok).toBe(true);
    const statements = (JSON.parse(merged ?? "{}") as { Statement: object[] }).Statement;
    const sources = [s3Read, ec2Read, denyDelete];
    for (const statement of statements) expect(sources).toContainEqual(statement);
  });

  it("the grant carries the merged policy of its usable rules only", () => {
    const r = role("a");
    const rules = [
      rule({ groupName: "developers", requireMfa: true, role: r }),
      rule({ personId: "user-bob", sessionPolicy: policy(s3Read), role: r }),
    ];
    // Without MFA only the narrowed rule applies; with MFA the unrestricted MFA rule lifts it.
    expect(resolveGrants(rules, bob, NOW)[0]?.sessionPolicy).toBe(policy(s3Read));
    expect(resolveGrants(rules, bobWithMfa, NOW)[0]?.sessionPolicy).toBeNull();
  });
});

describe("a rule may trust a group only from one identity provider", () => {
  const fromCorp = rule({
    groupName: "developers",
    groupIssuer: ISSUER,
    role: role("corp-only"),
  });
  const fromAny = rule({ groupName: "developers", role: role("any-idp") });

  it.each([
    ["the named IdP asserts the group: granted", ISSUER, ["corp-only", "any-idp"]],
    [
      "another IdP asserts a group of the same name: only the any-IdP rule grants",
      "https://contractor-idp.example/saml",
      ["any-idp"],
    ],
  ])("%s", (_case, issuer, roles) => {
    const grants = resolveGrants(
      [fromCorp, fromAny],
      { personId: "u", issuer, groups: ["developers"] },
      NOW,
    );
    expect(grants.map((g) => g.roleId).sort()).toEqual([...roles].sort());
  });
});

import { describe, expect, it } from "vitest";
import {
  MIN_SESSION_SECONDS,
  resolveGrants,
  type RuleForResolution,
} from "@/lib/access/resolve-grants";

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
    awsAccount: {
      accountId: accountName === "acme-staging" ? "345678901234" : "210987654321",
      name: accountName,
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
    userId: null,
    maxSessionDurationSeconds: 3600,
    allowConsole: true,
    allowCli: true,
    expiresAt: null,
    ...overrides,
  };
}

const bob = { userId: "user-bob", groups: ["developers"] };

describe("access resolution", () => {
  it("a group rule grants the role to members of that group only", () => {
    const rules = [rule({ groupName: "developers", role: role("a") })];
    expect(resolveGrants(rules, bob, NOW).map((g) => g.roleId)).toEqual(["a"]);
    expect(resolveGrants(rules, { userId: "user-carol", groups: [] }, NOW)).toEqual([]);
    expect(
      resolveGrants(rules, { userId: "user-eve", groups: ["Developers", "developers-x"] }, NOW),
    ).toEqual([]);
  });

  it("a user rule grants the role to that user only, whatever their groups", () => {
    const rules = [rule({ userId: "user-bob", role: role("a") })];
    expect(resolveGrants(rules, bob, NOW)).toHaveLength(1);
    expect(resolveGrants(rules, { userId: "user-alice", groups: ["developers"] }, NOW)).toEqual([]);
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
          userId: "user-bob",
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

// An account's state as AWS Organizations reports it (docs/DISCOVERY.md): ListAccounts' `State`
// has five values, the older `Status` is retired, and only ACTIVE (or an account never discovered,
// or one that left the organization) lets its roles grant. A state that is closed, not yet
// activated, missing or unknown must never read as ACTIVE.
import { describe, expect, it } from "vitest";
import { resolveGrants, type RuleForResolution } from "@/lib/access/resolve-grants";
import { statusOf } from "@/lib/discovery/organization-accounts";

describe("an account's State decides its status; nothing unknown reads as ACTIVE", () => {
  it.each<[string, { State?: string; Status?: string }, string]>([
    ["ACTIVE", { State: "ACTIVE" }, "ACTIVE"],
    ["CLOSED (the 90 days after closing)", { State: "CLOSED" }, "CLOSED"],
    [
      "CLOSED with the retired Status still saying SUSPENDED",
      { State: "CLOSED", Status: "SUSPENDED" },
      "CLOSED",
    ],
    ["PENDING_ACTIVATION", { State: "PENDING_ACTIVATION" }, "PENDING_ACTIVATION"],
    ["SUSPENDED", { State: "SUSPENDED" }, "SUSPENDED"],
    ["PENDING_CLOSURE", { State: "PENDING_CLOSURE" }, "PENDING_CLOSURE"],
    ["only the retired Status", { Status: "SUSPENDED" }, "SUSPENDED"],
    ["neither State nor Status", {}, "UNKNOWN"],
    ["a state AWS may add later", { State: "QUARANTINED" }, "UNKNOWN"],
    ["a lower-case state", { State: "active" }, "UNKNOWN"],
  ])("%s", (_name, account, status) => {
    expect(statusOf(account as Parameters<typeof statusOf>[0])).toBe(status);
  });
});

describe("only an active, hand-entered or departed account's roles grant", () => {
  const rule = (organizationStatus: string): RuleForResolution => ({
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
        organizationStatus,
      },
    },
  });
  const principal = { personId: "p", issuer: "i", groups: ["developers"] };
  const now = new Date("2026-12-06T12:00:00Z");
  it.each([
    ["ACTIVE", 1],
    ["", 1],
    ["NOT_IN_ORGANIZATION", 1],
    ["SUSPENDED", 0],
    ["PENDING_CLOSURE", 0],
    ["CLOSED", 0],
    ["PENDING_ACTIVATION", 0],
    ["UNKNOWN", 0],
    ["SOMETHING_NEW", 0],
  ])("%s → %i grant(s)", (status, count) => {
    expect(resolveGrants([rule(status)], principal, now)).toHaveLength(count);
  });
});

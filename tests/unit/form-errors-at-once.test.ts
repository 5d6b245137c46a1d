// Every form reports every problem at once: a field that fails its own check doesn't hide the
// problems of the others (the role form names a bad ARN even while the name is wrong; the rule form
// names a bad expiry next to a too-long policy).
import { describe, expect, it } from "vitest";
import { parseRole, type RoleInput } from "@/lib/admin/role-input";
import { parseRule, type RuleInput } from "@/lib/admin/rule-input";

const NOW = new Date("2030-01-01T00:00:00Z");
const ACCOUNT = "123456789012";

const ROLE: RoleInput = {
  name: "Developer",
  arn: "",
  description: "",
  maxSessionDurationSeconds: 3600,
  assumeMethod: "assume-role",
  samlProviderArn: "",
  externalId: "",
  requiresBrokerMfa: false,
};

const RULE: RuleInput = {
  subjectKind: "group",
  groupName: "developers",
  groupIssuer: "",
  userEmail: "",
  maxSessionDurationSeconds: 3600,
  allowConsole: true,
  allowCli: true,
  expiresAt: "",
  requireMfa: false,
  sessionPolicy: "",
  description: "",
};

const errorFields = (result: { ok: boolean; errors?: Record<string, string> }) =>
  Object.keys(result.ok ? {} : (result.errors ?? {})).sort();

describe("the role form names every problem at once", () => {
  it.each<[string, Partial<RoleInput>, string[]]>([
    [
      "a bad name and an ARN in another account",
      { name: "has space", arn: "arn:aws:iam::999999999999:role/Other" },
      ["arn", "name"],
    ],
    [
      "a bad session length and a SAML role with an ExternalId",
      {
        maxSessionDurationSeconds: 10,
        assumeMethod: "assume-role-with-saml",
        samlProviderArn: `arn:aws:iam::${ACCOUNT}:saml-provider/Corp`,
        externalId: "abc123",
      },
      ["externalId", "maxSessionDurationSeconds"],
    ],
    [
      "a too-long description and a SAML provider on a broker role",
      { description: "x".repeat(5000), samlProviderArn: `arn:aws:iam::${ACCOUNT}:saml-provider/C` },
      ["description", "samlProviderArn"],
    ],
  ])("%s", (_case, change, fields) => {
    expect(errorFields(parseRole({ ...ROLE, ...change }, ACCOUNT, "aws"))).toEqual(fields);
  });

  it("a valid role still parses", () => {
    expect(parseRole(ROLE, ACCOUNT, "aws").ok).toBe(true);
  });
});

describe("the rule form names every problem at once", () => {
  it.each<[string, Partial<RuleInput>, string[]]>([
    [
      "an over-long session policy and an expiry in the past",
      { sessionPolicy: "x".repeat(20_001), expiresAt: "2020-01-01 10:00" },
      ["expiresAt", "sessionPolicy"],
    ],
    [
      "a bad session length, neither output, and an expiry that is no date",
      { maxSessionDurationSeconds: 1, allowConsole: false, allowCli: false, expiresAt: "soon" },
      ["expiresAt", "maxSessionDurationSeconds", "outputs"],
    ],
    [
      "an unknown subject kind and a bad expiry",
      { subjectKind: "robot", expiresAt: "soon" },
      ["expiresAt", "subjectKind"],
    ],
  ])("%s", (_case, change, fields) => {
    expect(errorFields(parseRule({ ...RULE, ...change }, { now: NOW }))).toEqual(fields);
  });

  it("a valid rule still parses", () => {
    expect(parseRule(RULE, { now: NOW }).ok).toBe(true);
  });
});

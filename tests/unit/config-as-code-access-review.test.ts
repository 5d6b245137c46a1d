// Access review: "explain" gives the reason resolveGrants itself decides by, rule by rule, and
// the CSV exports are RFC 4180 with spreadsheet formulas neutralised. (Named config-as-code-* to
// sit with the rest of this feature's unit tests.)
import { describe, expect, it } from "vitest";
import type { Principal, RuleForResolution } from "@/lib/access/resolve-grants";
import { csvCell, toCsv } from "@/lib/access-review/csv";
import { explainAccess, type Decision, type Output } from "@/lib/access-review/explain";

const NOW = new Date("2030-06-01T12:00:00Z");
const ROLE: RuleForResolution["role"] = {
  id: "role-admin",
  name: "Administrator",
  arn: "arn:aws:iam::210987654321:role/Administrator",
  description: "",
  maxSessionDurationSeconds: 3600,
  assumeMethod: "assume-role",
  samlProviderArn: null,
  externalId: null,
  requiresBrokerMfa: false,
  awsAccount: {
    accountId: "210987654321",
    name: "acme-production",
    alias: "acme-prod",
    environment: "prod",
    description: "",
  },
};

let seq = 0;
function rule(over: Partial<RuleForResolution>): RuleForResolution {
  seq += 1;
  return {
    id: `r${seq}`,
    groupName: "admins",
    groupIssuer: null,
    personId: null,
    maxSessionDurationSeconds: 3600,
    allowConsole: true,
    allowCli: true,
    expiresAt: null,
    requireMfa: false,
    sessionPolicy: null,
    role: ROLE,
    ...over,
  };
}

const ISSUER = "https://login.corp.example";
const alice: Principal = { personId: "u-alice", issuer: ISSUER, groups: ["admins", "developers"] };
const bob: Principal = { personId: "u-bob", issuer: ISSUER, groups: ["developers"] };
const PAST = new Date("2030-05-01T00:00:00Z");

// [rule proved, rules of the role, principal, output asked, decision, verdict kinds per rule]
const CASES: Array<
  [string, RuleForResolution[], Principal, Output | undefined, Decision, string[]]
> = [
  [
    "a group rule naming one of the user's groups grants",
    [rule({})],
    alice,
    undefined,
    "granted",
    ["grants"],
  ],
  [
    "a user rule naming the user grants",
    [rule({ groupName: null, personId: "u-bob" })],
    bob,
    undefined,
    "granted",
    ["grants"],
  ],
  [
    "no rule naming the user or their groups denies",
    [rule({}), rule({ groupName: null, personId: "u-alice" })],
    bob,
    undefined,
    "no-rule",
    ["not-subject", "not-subject"],
  ],
  [
    "group names match exactly (case matters)",
    [rule({ groupName: "Admins" })],
    alice,
    undefined,
    "no-rule",
    ["not-subject"],
  ],
  [
    "an expired rule denies, saying when it expired",
    [rule({ expiresAt: PAST })],
    alice,
    undefined,
    "expired",
    ["expired"],
  ],
  [
    "an expiry at this very instant has passed",
    [rule({ expiresAt: NOW })],
    alice,
    undefined,
    "expired",
    ["expired"],
  ],
  [
    "a rule requiring MFA grants only after an MFA sign-in",
    [rule({ requireMfa: true })],
    alice,
    undefined,
    "requires-mfa",
    ["requires-mfa"],
  ],
  [
    "a rule requiring MFA grants an MFA sign-in",
    [rule({ requireMfa: true })],
    { ...alice, mfaAuthenticated: true },
    undefined,
    "granted",
    ["grants"],
  ],
  [
    "a rule without MFA wins over one requiring it",
    [rule({ requireMfa: true }), rule({ groupName: "developers" })],
    alice,
    undefined,
    "granted",
    ["requires-mfa", "grants"],
  ],
  [
    "an output the rules don't allow is denied",
    [rule({ allowConsole: false })],
    alice,
    "console",
    "output-not-allowed",
    ["output-not-allowed"],
  ],
  [
    "outputs are the union over matching rules",
    [rule({ allowConsole: false }), rule({ groupName: "developers", allowCli: false })],
    alice,
    "console",
    "granted",
    ["output-not-allowed", "grants"],
  ],
  [
    "a rule allowing neither output grants nothing",
    [rule({ allowConsole: false, allowCli: false })],
    alice,
    undefined,
    "no-outputs",
    ["no-outputs"],
  ],
  [
    "an expired rule doesn't hide a live one",
    [rule({ expiresAt: PAST }), rule({ groupName: "developers" })],
    alice,
    undefined,
    "granted",
    ["expired", "grants"],
  ],
];

describe("explain: why a user can or can't use a role", () => {
  it.each(CASES)("%s", (_rule, rules, principal, output, decision, verdicts) => {
    const e = explainAccess(rules, principal, NOW, output);
    expect(e.decision).toBe(decision);
    expect(e.granted).toBe(decision === "granted");
    expect(e.rules.map((r) => r.verdict.kind)).toEqual(verdicts);
  });

  it("says when an expired rule expired", () => {
    const e = explainAccess([rule({ expiresAt: PAST })], alice, NOW);
    expect(e.rules[0]!.verdict).toEqual({ kind: "expired", at: PAST.toISOString() });
  });

  it("reports the grant issuance would use (the rules behind it, capped duration)", () => {
    const rules = [rule({ maxSessionDurationSeconds: 7200 }), rule({ groupName: "nobody" })];
    const e = explainAccess(rules, alice, NOW);
    expect(e.grant).toMatchObject({ ruleIds: [rules[0]!.id], maxSessionDurationSeconds: 3600 });
  });
});

describe("CSV export", () => {
  it.each([
    ["plain text stays as is", "developers", "developers"],
    ["a comma quotes the cell", "a,b", '"a,b"'],
    ["quotes are doubled", 'say "hi"', '"say ""hi"""'],
    ["a line break quotes the cell", "a\nb", '"a\nb"'],
    ["= is neutralised", '=HYPERLINK("x")', '"\'=HYPERLINK(""x"")"'],
    ["+ is neutralised", "+1", "'+1"],
    ["- is neutralised", "-2", "'-2"],
    ["@ is neutralised", "@SUM(A1)", "'@SUM(A1)"],
    ["a leading tab is neutralised", "\tx", "'\tx"],
    ["a formula after a semicolon is neutralised", "a;=1+1", "a;'=1+1"],
    ["null is empty", null, ""],
  ])("%s", (_rule, value, expected) => {
    expect(csvCell(value)).toBe(expected);
  });

  it("starts with the UTF-8 byte order mark and ends every record with CRLF", () => {
    expect(
      toCsv([
        ["a", 1, true],
        ["b", 2, false],
      ]),
    ).toBe("\uFEFFa,1,true\r\nb,2,false\r\n");
  });
});

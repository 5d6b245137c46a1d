import type { PortalAccount } from "@/cli/gatehouse/api-types";
import { closeRoles, editDistance } from "@/cli/gatehouse/role-suggestions";
import { describe, expect, it } from "vitest";

const role = (roleName: string, extra: { allowCli?: boolean; viaSamlApp?: boolean } = {}) => ({
  roleId: `r-${roleName}`,
  roleName,
  allowConsole: true,
  allowCli: extra.allowCli ?? true,
  needsMfa: false,
  ...(extra.viaSamlApp !== undefined && { viaSamlApp: extra.viaSamlApp }),
  duration: { minSeconds: 900, maxSeconds: 3600, defaultSeconds: 3600 },
});

const accounts: PortalAccount[] = [
  {
    accountId: "345678901234",
    name: "acme-staging",
    alias: "staging",
    roles: [role("Developer"), role("ReadOnly"), role("ConsoleOnly", { allowCli: false })],
  },
  { accountId: "123456789012", name: "acme-sandbox", roles: [role("Developer")] },
  { accountId: "111122223333", name: "idp-app", roles: [role("Federated", { viaSamlApp: true })] },
];

describe("an unknown role's suggestions: only the caller's own CLI roles, spelled almost alike", () => {
  it.each([
    ["acme-stagin/Developer", ["acme-staging/Developer"]],
    ["acme-stgaing/ReadOnly", ["acme-staging/ReadOnly"]],
    ["stagin/Developer", ["acme-staging/Developer"]],
    ["34567890123/ReadOnly", ["acme-staging/ReadOnly"]],
    ["acme-sandbx/Developer", ["acme-sandbox/Developer", "acme-staging/Developer"]],
    ["acme-staging/ConsoleOnl", []],
    ["idp-app/Federate", []],
    ["zzzzzzzz/Qqqqqq", []],
  ])("%s → %j", (typed, expected) => {
    expect(closeRoles(typed, accounts)).toEqual(expected);
  });

  it.each([
    ["", "", 0],
    ["abc", "abc", 0],
    ["abc", "abd", 1],
    ["abc", "ab", 1],
    ["kitten", "sitting", 3],
  ])("edit distance %j → %j is %i", (a, b, d) => {
    expect(editDistance(a, b)).toBe(d);
  });
});

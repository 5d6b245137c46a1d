// serve's --duration is checked at start against the default role's bounds from the caller's own
// roles list (its cliDuration when AWS holds CLI credentials shorter): outside them, one line naming
// the limit and what sets it; a role the list does not name once is left to the portal.
import { describe, expect, it } from "vitest";

import type { PortalAccount, PortalRole } from "@/cli/gatehouse/api-types";
import { durationProblem, findRole, formatDuration } from "@/cli/gatehouse/role-duration-check";

const role = (roleName: string, extra: Partial<PortalRole> = {}): PortalRole => ({
  roleId: `r${roleName.toLowerCase().padEnd(24, "0")}`,
  roleName,
  allowConsole: true,
  allowCli: true,
  needsMfa: false,
  duration: { minSeconds: 900, maxSeconds: 14400, defaultSeconds: 3600, cappedBy: "rule" },
  ...extra,
});
const accounts: PortalAccount[] = [
  {
    accountId: "111111111111",
    name: "acme-production",
    alias: "acme-prod",
    roles: [
      role("Developer"),
      role("BreakGlass", {
        cliDuration: {
          minSeconds: 900,
          maxSeconds: 3600,
          defaultSeconds: 3600,
          cappedBy: "role-chaining",
        },
      }),
    ],
  },
  { accountId: "222222222222", name: "twin-a", alias: "twin", roles: [role("Ops")] },
  { accountId: "333333333333", name: "twin-b", alias: "twin", roles: [role("Ops")] },
];

describe("serve --duration outside the default role's bounds is named with the limit", () => {
  it.each([
    [
      "over the rule's limit",
      "acme-prod/developer",
      28800,
      /at most 4h \(14400s\), your access rule's limit$/,
    ],
    [
      "CLI bounds preferred (role chaining)",
      "acme-production/BreakGlass",
      7200,
      /BreakGlass allows for CLI credentials: at most 1h \(3600s\), AWS's one-hour limit for chained roles$/,
    ],
    [
      "by account id",
      "111111111111/Developer",
      43200,
      /^--duration 12h \(43200s\) is outside what acme-production\/Developer allows/,
    ],
    ["by role id", role("Developer").roleId, 20000, /at most 4h/],
  ])("%s", (_name, reference, seconds, message) => {
    const found = findRole(accounts, reference);
    expect(found).toBeDefined();
    expect(durationProblem(found!, seconds)).toMatch(message);
  });

  it("below the minimum: at least", () => {
    const found = findRole(accounts, "acme-prod/Developer")!;
    expect(
      durationProblem({ ...found, bounds: { ...found.bounds, minSeconds: 1800 } }, 900),
    ).toMatch(/: at least 30m \(1800s\)$/);
  });

  it("within the bounds: no problem", () => {
    expect(durationProblem(findRole(accounts, "acme-prod/Developer")!, 14400)).toBeNull();
  });

  it("a role not in the list, or ambiguous, is left to the portal", () => {
    expect(findRole(accounts, "acme-prod/Nope")).toBeUndefined();
    expect(findRole(accounts, "twin/Ops")).toBeUndefined();
  });

  it("durations as --duration takes them", () => {
    expect([900, 5400, 3600, 45, 3661].map(formatDuration)).toEqual([
      "15m",
      "1h30m",
      "1h",
      "45s",
      "1h1m1s",
    ]);
  });
});

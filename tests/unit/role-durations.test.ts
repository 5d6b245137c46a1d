// The session lengths the accounts page offers per role (lib/access/account-views.ts): the
// console's and, when AWS holds them tighter, CLI credentials' (docs/AWS.md "Session length").
import { describe, expect, it } from "vitest";
import { roleDurations } from "@/lib/access/account-views";

const now = new Date("2026-12-06T10:00:00Z");
const twelveHours = {
  maxSessionDurationSeconds: 43_200,
  roleMaxSessionDurationSeconds: 43_200,
  accessEndsAt: null,
  assumeMethod: "assume-role",
  requiresBrokerMfa: false,
};

describe("CLI credentials of a role that needs the broker's MFA session are offered at most one hour", () => {
  it("the console keeps the role's twelve hours; the CLI's bounds stop at one hour", () => {
    const { duration, cliDuration } = roleDurations(
      { ...twelveHours, requiresBrokerMfa: true },
      { isBrokerChained: false, now },
    );
    expect(duration.maxSeconds).toBe(43_200);
    expect(cliDuration).toMatchObject({ maxSeconds: 3600, cappedBy: "role-chaining" });
  });

  it.each([
    ["a role without the MFA gate", { ...twelveHours }, false],
    [
      "a role already held to an hour by its rule",
      { ...twelveHours, requiresBrokerMfa: true, maxSessionDurationSeconds: 3600 },
      false,
    ],
    [
      "a role assumed through the IdP's AWS app",
      { ...twelveHours, requiresBrokerMfa: true, assumeMethod: "assume-role-with-saml" },
      false,
    ],
    [
      "a role-chained broker (every session already capped)",
      { ...twelveHours, requiresBrokerMfa: true },
      true,
    ],
  ])("no separate CLI bounds for %s", (_name, grant, isBrokerChained) => {
    expect(roleDurations(grant, { isBrokerChained, now }).cliDuration).toBeNull();
  });

  it("access that ends within the hour caps both, so nothing separate is shown", () => {
    const endsSoon = {
      ...twelveHours,
      requiresBrokerMfa: true,
      accessEndsAt: new Date(now.getTime() + 1800_000),
    };
    const { duration, cliDuration } = roleDurations(endsSoon, { isBrokerChained: false, now });
    expect(duration).toMatchObject({ maxSeconds: 1800, cappedBy: "access-end" });
    expect(cliDuration).toBeNull();
  });
});

import { describe, expect, it } from "vitest";

import {
  MAX_SESSION_SECONDS,
  MIN_SESSION_SECONDS,
  ROLE_CHAINING_MAX_SECONDS,
} from "@/lib/aws/partitions";
import {
  type SessionDurationBounds,
  checkRequestedDuration,
  consoleSessionDurationParam,
  durationChoices,
  formatDuration,
  sessionDurationBounds,
} from "@/lib/aws/session-duration";

describe("sessionDurationBounds", () => {
  it("has AWS's limits as constants", () => {
    expect([MIN_SESSION_SECONDS, ROLE_CHAINING_MAX_SECONDS, MAX_SESSION_SECONDS]).toEqual([
      900, 3600, 43_200,
    ]);
  });

  it.each([
    // rule, role, chained → max, default, cappedBy
    ["the rule is the lowest cap", 7200, 43_200, false, 7200, 3600, "rule"],
    ["the role is the lowest cap", 43_200, 14_400, false, 14_400, 3600, "role"],
    ["both at 12 h", 43_200, 43_200, false, 43_200, 3600, "role"],
    ["rule equals role: the role is named", 7200, 7200, false, 7200, 3600, "role"],
    ["role chaining caps at one hour", 43_200, 43_200, true, 3600, 3600, "role-chaining"],
    [
      "role chaining ties a one-hour role: chaining is named",
      43_200,
      3600,
      true,
      3600,
      3600,
      "role-chaining",
    ],
    ["under chaining a shorter rule still wins", 1800, 43_200, true, 1800, 1800, "rule"],
    ["under chaining a shorter role still wins", 43_200, 2700, true, 2700, 2700, "role"],
    [
      "a rule above 12 h is held at 12 h by the role limit",
      86_400,
      86_400,
      false,
      43_200,
      3600,
      "role",
    ],
    ["a rule below 15 min is raised to AWS's minimum", 600, 43_200, false, 900, 900, "rule"],
    ["a default above a short max becomes the max", 2700, 43_200, false, 2700, 2700, "rule"],
  ] as const)("%s", (_rule, ruleMaxSeconds, roleMaxSeconds, isRoleChained, max, def, cappedBy) => {
    expect(sessionDurationBounds({ ruleMaxSeconds, roleMaxSeconds, isRoleChained })).toEqual({
      minSeconds: 900,
      maxSeconds: max,
      defaultSeconds: def,
      cappedBy,
    });
  });

  it.each([0, -3600, 1.5, Number.NaN, Number.POSITIVE_INFINITY])(
    "throws TypeError for a cap of %s (a caller bug)",
    (bad) => {
      expect(() =>
        sessionDurationBounds({ ruleMaxSeconds: bad, roleMaxSeconds: 3600, isRoleChained: false }),
      ).toThrow(TypeError);
      expect(() =>
        sessionDurationBounds({ ruleMaxSeconds: 3600, roleMaxSeconds: bad, isRoleChained: false }),
      ).toThrow(TypeError);
    },
  );
});

describe("checkRequestedDuration", () => {
  const twelveHours = sessionDurationBounds({
    ruleMaxSeconds: 43_200,
    roleMaxSeconds: 43_200,
    isRoleChained: false,
  });
  const chained = sessionDurationBounds({
    ruleMaxSeconds: 43_200,
    roleMaxSeconds: 43_200,
    isRoleChained: true,
  });
  const byRule = sessionDurationBounds({
    ruleMaxSeconds: 7200,
    roleMaxSeconds: 43_200,
    isRoleChained: false,
  });
  const byRole = sessionDurationBounds({
    ruleMaxSeconds: 43_200,
    roleMaxSeconds: 14_400,
    isRoleChained: false,
  });

  it.each([
    ["absent means the default", undefined, twelveHours, 3600],
    ["the minimum", 900, twelveHours, 900],
    ["the maximum", 43_200, twelveHours, 43_200],
    ["an odd but whole value", 5401, twelveHours, 5401],
    ["one hour under chaining", 3600, chained, 3600],
  ])("accepts %s", (_rule, requested, bounds, seconds) => {
    expect(checkRequestedDuration(requested, bounds)).toEqual({ ok: true, seconds });
  });

  it.each<[string, number, SessionDurationBounds, RegExp]>([
    ["NaN", Number.NaN, twelveHours, /whole number of seconds \(allowed: 15 min to 12 h\)/],
    ["a fraction", 1.5, twelveHours, /whole number of seconds/],
    ["a fractional hour", 3600.5, twelveHours, /whole number of seconds/],
    ["infinity", Number.POSITIVE_INFINITY, twelveHours, /whole number of seconds/],
    ["below 900", 899, twelveHours, /at least 15 min \(900 s\), the shortest session AWS issues/],
    ["zero", 0, twelveHours, /at least 15 min/],
    ["negative", -3600, twelveHours, /at least 15 min/],
    [
      "above 43,200",
      43_201,
      twelveHours,
      /at most 12 h \(43200 s\): the role's maximum session duration/,
    ],
    [
      "above an hour when role-chained",
      3601,
      chained,
      /at most 1 h \(3600 s\): the portal's broker signs this role's sessions with temporary credentials \(role credentials or its MFA session\), and AWS caps those at one hour, as role chaining \(allowed: 15 min to 1 h\)/,
    ],
    [
      "above the rule's cap",
      7201,
      byRule,
      /at most 2 h \(7200 s\): your access rule for this role allows no longer/,
    ],
    [
      "above the role's cap",
      14_401,
      byRole,
      /at most 4 h \(14400 s\): the role's maximum session duration \(MaxSessionDuration in IAM\)/,
    ],
  ])("refuses %s, saying the range and why", (_rule, requested, bounds, message) => {
    const result = checkRequestedDuration(requested, bounds);
    expect(result.ok).toBe(false);
    if (!result.ok) expect(result.message).toMatch(message);
  });

  it("refuses a number smuggled in as a string", () => {
    expect(checkRequestedDuration("3600" as unknown as number, twelveHours).ok).toBe(false);
  });
});

describe("durationChoices", () => {
  const bounds = (ruleMaxSeconds: number, isRoleChained = false) =>
    sessionDurationBounds({ ruleMaxSeconds, roleMaxSeconds: 43_200, isRoleChained });
  const labels = (b: SessionDurationBounds) => durationChoices(b).map((c) => c.label);

  it.each([
    [
      "all presets up to 12 h",
      bounds(43_200),
      ["15 min", "30 min", "1 h", "2 h", "4 h", "8 h", "12 h"],
    ],
    ["one hour when role-chained", bounds(43_200, true), ["15 min", "30 min", "1 h"]],
    ["an off-preset max is added last", bounds(5400), ["15 min", "30 min", "1 h", "1 h 30 min"]],
    ["a 6 h cap", bounds(21_600), ["15 min", "30 min", "1 h", "2 h", "4 h", "6 h"]],
    ["only the minimum", bounds(900), ["15 min"]],
    ["a max with seconds", bounds(3640), ["15 min", "30 min", "1 h", "1 h 40 s"]],
  ])("%s", (_rule, b, expected) => {
    expect(labels(b)).toEqual(expected);
    const seconds = durationChoices(b).map((c) => c.seconds);
    expect(seconds).toEqual([...seconds].sort((x, y) => x - y));
    expect(seconds.at(-1)).toBe(b.maxSeconds);
    expect(seconds.every((s) => checkRequestedDuration(s, b).ok)).toBe(true);
  });

  it("always offers the default", () => {
    for (const max of [900, 1000, 2700, 3600, 5400, 43_200]) {
      const b = bounds(max);
      expect(durationChoices(b).map((c) => c.seconds)).toContain(b.defaultSeconds);
    }
  });

  it.each([
    [900, "15 min"],
    [3600, "1 h"],
    [5400, "1 h 30 min"],
    [43_200, "12 h"],
    [3601, "1 h 1 s"],
    [0, "0 s"],
  ])("formatDuration(%i) is %j", (seconds, label) => {
    expect(formatDuration(seconds)).toBe(label);
  });
});

describe("consoleSessionDurationParam", () => {
  it.each([
    ["AssumeRole for 8 h sends 8 h", 28_800, false, "AssumeRole", 28_800],
    ["AssumeRoleWithSAML for 12 h sends 12 h", 43_200, false, "AssumeRoleWithSAML", 43_200],
    ["AssumeRole for one hour sends one hour", 3600, false, "AssumeRole", 3600],
    ["role-chained AssumeRole sends its hour", 3600, true, "AssumeRole", 3600],
    ["role-chained and shorter sends the shorter session", 900, true, "AssumeRole", 900],
    ["role-chained never sends more than AWS's one hour for it", 7200, true, "AssumeRole", 3600],
    ["GetFederationToken never sends it", 3600, false, "GetFederationToken", undefined],
    ["GetFederationToken for 12 h never sends it", 43_200, false, "GetFederationToken", undefined],
    ["a fractional duration is floored", 3600.9, false, "AssumeRole", 3600],
    ["below 900 is raised to 900", 899.5, false, "AssumeRole", 900],
    ["above 43,200 is held at 43,200", 129_600, false, "AssumeRole", 43_200],
  ] as const)("%s", (_rule, sessionSeconds, isRoleChained, assumedWith, expected) => {
    expect(consoleSessionDurationParam({ sessionSeconds, isRoleChained, assumedWith })).toBe(
      expected,
    );
  });

  it.each([0, -1, Number.NaN, Number.POSITIVE_INFINITY])(
    "throws TypeError for sessionSeconds %s",
    (sessionSeconds) => {
      expect(() =>
        consoleSessionDurationParam({
          sessionSeconds,
          isRoleChained: false,
          assumedWith: "AssumeRole",
        }),
      ).toThrow(TypeError);
    },
  );
});

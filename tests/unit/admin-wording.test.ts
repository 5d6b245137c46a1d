import { describe, expect, it } from "vitest";

import {
  accountDeletionSummary,
  countOf,
  requestsCountLine,
  requestsDeletionSummary,
  roleDeletionSummary,
  secondsWithDuration,
} from "@/components/admin-wording";
import { ACCESS_CHANGED_HINT, withAccessChangedHint } from "@/components/issuance-error";
import type { ApiErrorView } from "@/components/api-client";

describe("countOf", () => {
  it.each([
    [0, "role", undefined, "no roles"],
    [1, "role", undefined, "1 role"],
    [2, "role", undefined, "2 roles"],
    [1200, "access rule", undefined, "1,200 access rules"],
    [0, "policy", "policies", "no policies"],
    [3, "policy", "policies", "3 policies"],
  ])("%i %s → %s", (count, singular, plural, expected) => {
    expect(countOf(count, singular, plural)).toBe(expected);
  });

  it.each([-1, 1.5, Number.NaN])("a count of %s is a programming error", (count) => {
    expect(() => countOf(count, "role")).toThrow(TypeError);
  });
});

describe("secondsWithDuration", () => {
  it.each([
    [900, "900 s (15 min)"],
    [3600, "3,600 s (1 h)"],
    [5400, "5,400 s (1 h 30 min)"],
    [43_200, "43,200 s (12 h)"],
  ])("%i → %s", (seconds, expected) => {
    expect(secondsWithDuration(seconds)).toBe(expected);
  });
});

describe("what a delete takes along", () => {
  it.each([
    [0, 0, "It has no roles, so nobody loses access."],
    [1, 0, "This also deletes its 1 role, which grants nobody access."],
    [2, 0, "This also deletes its 2 roles, which grant nobody access."],
    [
      1,
      1,
      "This also deletes its 1 role and 1 access rule: everyone they grant loses access through Gatehouse at once.",
    ],
    [
      2,
      3,
      "This also deletes its 2 roles and 3 access rules: everyone they grant loses access through Gatehouse at once.",
    ],
  ])("an account with %i roles and %i rules", (roles, rules, expected) => {
    expect(accountDeletionSummary(roles, rules)).toBe(expected);
  });

  it.each([
    [0, "It has no access rules, so nobody loses access."],
    [
      1,
      "This also deletes its 1 access rule: everyone it grants loses this role in Gatehouse at once.",
    ],
    [
      4,
      "This also deletes its 4 access rules: everyone they grant loses this role in Gatehouse at once.",
    ],
  ])("a role with %i rules", (rules, expected) => {
    expect(roleDeletionSummary(rules)).toBe(expected);
  });
});

describe("the access requests a delete takes along", () => {
  it.each([
    [0, 0, 0, null],
    [
      3,
      0,
      0,
      "This also deletes 3 access requests and the approvals on them. The audit log keeps their events.",
    ],
    [
      1,
      1,
      0,
      "This also deletes 1 access request (1 pending, never to be answered) and the approvals on them. The audit log keeps their events.",
    ],
    [
      5,
      2,
      1,
      "This also deletes 5 access requests (2 pending, never to be answered; 1 approved elevation not yet ended, which ends now) and the approvals on them. The audit log keeps their events.",
    ],
    [
      2,
      0,
      2,
      "This also deletes 2 access requests (2 approved elevations not yet ended, which end now) and the approvals on them. The audit log keeps their events.",
    ],
  ])("%i requests, %i pending, %i approved and running", (total, pending, approved, expected) => {
    expect(requestsDeletionSummary({ total, pending, approved })).toBe(expected);
  });

  it.each([
    [1, 0, 0, "1 access request"],
    [2, 1, 0, "2 access requests: 1 pending"],
    [3, 1, 1, "3 access requests: 1 pending, 1 approved, not yet ended"],
  ])("one role's line: %i requests, %i pending, %i approved", (total, pending, approved, line) => {
    expect(requestsCountLine({ total, pending, approved })).toBe(line);
  });

  it("refuses a count that is not one", () => {
    expect(() => requestsDeletionSummary({ total: 1, pending: -1, approved: 0 })).toThrow(
      TypeError,
    );
  });
});

describe("withAccessChangedHint", () => {
  const error = (code: string | null): ApiErrorView => ({
    message: "No such role, or you have no access to it.",
    code,
    requestId: "req-1",
    awsErrorCode: null,
    nextUrl: null,
  });

  it("a not_found refusal says to reload, keeping the server's message and request id", () => {
    expect(withAccessChangedHint(error("not_found"))).toEqual({
      ...error("not_found"),
      message: `No such role, or you have no access to it. ${ACCESS_CHANGED_HINT}`,
    });
  });

  it.each(["aws_error", "forbidden", null])("a %s error is shown as it is", (code) => {
    expect(withAccessChangedHint(error(code))).toEqual(error(code));
  });
});

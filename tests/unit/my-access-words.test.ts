import { describe, expect, it } from "vitest";
import type { MyRuleReason } from "@/lib/access-review/my-access";
import { describeMyReason } from "@/lib/access-review/my-access-words";

/** The /me page says, in the person's words, which rule gives (or withholds) each role. */

const group = { kind: "group", group: "developers", onlyFrom: null } as const;
const reason = (r: Partial<MyRuleReason>): MyRuleReason => ({
  subject: group,
  verdict: { kind: "grants" },
  ruleExpiresAt: null,
  ...r,
});
const labelOf = (issuer: string) => (issuer === "https://idp.example" ? "Corp IdP" : issuer);

describe("each reason names the rule behind it", () => {
  it.each<[string, MyRuleReason, string]>([
    ["by group", reason({}), "Granted by your group “developers”"],
    [
      "by a group only one IdP may assert",
      reason({ subject: { ...group, onlyFrom: "https://idp.example" } }),
      "Granted by your group “developers” (as sent by Corp IdP)",
    ],
    ["by user", reason({ subject: { kind: "user" } }), "Granted by a rule naming you"],
    [
      "by an expiring rule, until its end",
      reason({ ruleExpiresAt: new Date("2026-12-08T10:30:00Z") }),
      "Granted by your group “developers”, until 2026-12-08 10:30 UTC",
    ],
    [
      "by an approved access request, until its end",
      reason({
        subject: { kind: "user" },
        verdict: {
          kind: "grants-by-request",
          requestId: "req1",
          until: "2026-12-07T12:00:00.000Z",
          approvedBy: ["alice@corp.example"],
        },
      }),
      "Granted by your approved access request req1, until 2026-12-07 12:00 UTC (approved by alice@corp.example)",
    ],
    [
      "by an MFA rule, after a step-up",
      reason({ verdict: { kind: "requires-mfa" } }),
      "Granted by your group “developers”, once you sign in with MFA",
    ],
    [
      "eligible: may be requested, and says who approves",
      reason({
        subject: { kind: "user" },
        verdict: { kind: "eligible", approvers: "the platform-leads group or alice@corp.example" },
      }),
      "You may request it under Access requests (a rule naming you), approved by the platform-leads group or alice@corp.example",
    ],
    [
      "expired",
      reason({ verdict: { kind: "expired", at: "2026-12-01T00:00:00.000Z" } }),
      "Not granted: the rule (your group “developers”) expired at 2026-12-01 00:00 UTC",
    ],
    [
      "no outputs",
      reason({ verdict: { kind: "no-outputs" } }),
      "Not granted: the rule (your group “developers”) allows neither the console nor the CLI",
    ],
  ])("%s", (_rule, r, text) => {
    expect(describeMyReason(r, labelOf)).toBe(text);
  });
});

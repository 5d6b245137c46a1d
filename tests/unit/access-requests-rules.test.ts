// The pure rules of access requests (docs/ACCESS-REQUESTS.md): who may decide, what state a
// request is in by the clock, how eligible rules and elevations resolve, how sessions are capped
// at an elevation's end, and what the webhook says.
import { describe, expect, it } from "vitest";
import { describeApprovers, mayDecide, parseApprovers } from "@/lib/access-requests/approvers";
import { statusOf } from "@/lib/access-requests/request-view";
import { retryDelaySeconds, webhookSignature } from "@/lib/access-requests/webhook-delivery";
import { webhookPayload } from "@/lib/access-requests/webhook-payload";
import { resolveGrants, type RuleForResolution } from "@/lib/access/resolve-grants";
import { sessionDurationBounds } from "@/lib/aws/session-duration";
import { createHmac } from "node:crypto";

const NOW = new Date("2026-12-04T12:00:00Z");
const ISSUER = "https://login.corp.example";
const OTHER_IDP = "https://saml.corp.example";
const minutes = (n: number) => new Date(NOW.getTime() + n * 60_000);

describe("no self-approval: mayDecide", () => {
  const approvers = parseApprovers(
    JSON.stringify([
      { group: "leads" },
      { group: "sre", issuer: ISSUER },
      { personId: "person-alice", email: "alice@corp.example" },
    ]),
  );
  const cases: Array<[string, { personId: string; groups: string[]; issuer: string }, boolean]> = [
    [
      "a member of an approving group",
      { personId: "person-bob", groups: ["leads"], issuer: ISSUER },
      true,
    ],
    ["a named approver", { personId: "person-alice", groups: [], issuer: ISSUER }, true],
    [
      "the requester, even in an approving group",
      { personId: "person-carol", groups: ["leads"], issuer: ISSUER },
      false,
    ],
    [
      "the requester through another linked identity (same person)",
      { personId: "person-carol", groups: ["sre", "gatehouse-admins"], issuer: OTHER_IDP },
      false,
    ],
    [
      "someone in no approving group",
      { personId: "person-dave", groups: ["developers"], issuer: ISSUER },
      false,
    ],
    [
      "a group of the same name from another IdP",
      { personId: "person-erin", groups: ["sre"], issuer: OTHER_IDP },
      false,
    ],
    [
      "the same group from the trusted IdP",
      { personId: "person-erin", groups: ["sre"], issuer: ISSUER },
      true,
    ],
  ];
  for (const [name, principal, allowed] of cases)
    it(`${allowed ? "allows" : "refuses"} ${name}`, () => {
      expect(mayDecide(approvers, principal, "person-carol")).toBe(allowed);
    });

  it("a rule naming only the requester has nobody to approve", () => {
    const onlyCarol = parseApprovers(JSON.stringify([{ personId: "person-carol" }]));
    expect(
      mayDecide(
        onlyCarol,
        { personId: "person-carol", groups: [], issuer: ISSUER },
        "person-carol",
      ),
    ).toBe(false);
  });

  it("stored approvers of an unknown shape approve nothing", () => {
    for (const json of ["not json", "{}", '[1, null, {"group": ""}, {"who": "x"}]'])
      expect(parseApprovers(json)).toEqual([]);
    expect(describeApprovers([])).toMatch(/nobody/);
  });
});

describe("a request's status by the clock", () => {
  const base = { decideBy: minutes(60), startsAt: minutes(-10), endsAt: minutes(50) };
  const cases: Array<
    [string, { state: string; decideBy: Date; startsAt: Date; endsAt: Date | null }, string]
  > = [
    ["pending before its deadline", { ...base, state: "pending", endsAt: null }, "pending"],
    [
      "pending past its deadline is expired before the sweep writes it",
      { ...base, state: "pending", decideBy: minutes(-1), endsAt: null },
      "expired",
    ],
    ["approved and started", { ...base, state: "approved" }, "active"],
    [
      "approved, starting later",
      { ...base, state: "approved", startsAt: minutes(30), endsAt: minutes(90) },
      "approved",
    ],
    ["approved, time up", { ...base, state: "approved", endsAt: minutes(0) }, "ended"],
    ["revoked", { ...base, state: "revoked" }, "revoked"],
    ["an unknown stored state grants nothing", { ...base, state: "weird" }, "ended"],
  ];
  for (const [name, request, status] of cases)
    it(`${name}: ${status}`, () => expect(statusOf(request, NOW)).toBe(status));
});

function role() {
  return {
    id: "role-analyst",
    name: "DataAnalyst",
    arn: "arn:aws:iam::210987654321:role/DataAnalyst",
    description: "",
    maxSessionDurationSeconds: 3600,
    assumeMethod: "assume-role",
    samlProviderArn: null,
    externalId: null,
    requiresBrokerMfa: false,
    awsAccount: {
      accountId: "210987654321",
      name: "acme-production",
      alias: "",
      environment: "prod",
      description: "",
    },
  };
}

function rule(overrides: Partial<RuleForResolution>): RuleForResolution {
  return {
    id: "rule-1",
    groupName: null,
    groupIssuer: null,
    personId: "person-carol",
    maxSessionDurationSeconds: 3600,
    allowConsole: true,
    allowCli: true,
    expiresAt: null,
    requireMfa: false,
    sessionPolicy: null,
    role: role(),
    ...overrides,
  };
}

const carol = { personId: "person-carol", issuer: ISSUER, groups: [] };

describe("eligible rules and elevations in resolution", () => {
  it("an eligible rule grants nothing by itself", () => {
    expect(resolveGrants([rule({ kind: "eligible" })], carol, NOW)).toEqual([]);
  });

  it("a rule of an unknown kind grants nothing (fail closed)", () => {
    expect(resolveGrants([rule({ kind: "temporary" })], carol, NOW)).toEqual([]);
  });

  it("an elevation grants until its end, and says so", () => {
    const [grant] = resolveGrants(
      [rule({ kind: "eligible", elevation: { requestId: "req-1", endsAt: minutes(30) } })],
      carol,
      NOW,
    );
    expect(grant).toMatchObject({ roleId: "role-analyst", elevationRequestIds: ["req-1"] });
    expect(grant?.accessEndsAt).toEqual(minutes(30));
  });

  it("an elevation that ended grants nothing", () => {
    const ended = rule({ kind: "eligible", elevation: { requestId: "req-1", endsAt: NOW } });
    expect(resolveGrants([ended], carol, NOW)).toEqual([]);
  });

  it("an elevation still needs the rule to name the person", () => {
    const other = rule({
      kind: "eligible",
      personId: "person-bob",
      elevation: { requestId: "r", endsAt: minutes(30) },
    });
    expect(resolveGrants([other], carol, NOW)).toEqual([]);
  });

  it("standing access beside an elevation has no end; two elevations end at the later", () => {
    const elevation = rule({
      kind: "eligible",
      elevation: { requestId: "req-1", endsAt: minutes(30) },
    });
    const standing = rule({ id: "rule-2" });
    expect(resolveGrants([elevation, standing], carol, NOW)[0]?.accessEndsAt).toBeNull();
    const later = rule({
      id: "rule-3",
      kind: "eligible",
      elevation: { requestId: "req-2", endsAt: minutes(90) },
    });
    expect(resolveGrants([elevation, later], carol, NOW)[0]?.accessEndsAt).toEqual(minutes(90));
  });

  it("an expiring standing rule is time-bound too", () => {
    expect(resolveGrants([rule({ expiresAt: minutes(20) })], carol, NOW)[0]?.accessEndsAt).toEqual(
      minutes(20),
    );
  });
});

describe("no session outlasts its access: sessionDurationBounds", () => {
  const limits = { ruleMaxSeconds: 7200, roleMaxSeconds: 14_400, isRoleChained: false };
  const cases: Array<[string, number | null, number, string]> = [
    ["no end", null, 7200, "rule"],
    ["40 minutes left", 2400.7, 2400, "access-end"],
    ["more left than the rule allows", 20_000, 7200, "rule"],
  ];
  for (const [name, remaining, max, cap] of cases)
    it(`${name}: at most ${max} s, capped by ${cap}`, () => {
      const bounds = sessionDurationBounds({ ...limits, accessRemainingSeconds: remaining });
      expect(bounds).toMatchObject({ maxSeconds: max, cappedBy: cap });
      expect(bounds.defaultSeconds).toBeLessThanOrEqual(max);
    });
});

describe("webhooks", () => {
  it("retries back off from 30 s, doubling, to at most an hour", () => {
    expect([1, 2, 3, 4, 8, 20].map(retryDelaySeconds)).toEqual([30, 60, 120, 240, 3600, 3600]);
  });

  it("the signature is HMAC-SHA256 over timestamp.body", () => {
    const expected = createHmac("sha256", "s3cret-s3cret-s3cret")
      .update("1700000000.{}")
      .digest("hex");
    expect(webhookSignature("s3cret-s3cret-s3cret", "1700000000", "{}")).toBe(`sha256=${expected}`);
  });

  const request = {
    id: "req-1",
    status: "active" as const,
    roleId: "role-analyst",
    roleName: "DataAnalyst",
    roleArn: "arn:aws:iam::210987654321:role/DataAnalyst",
    accountId: "210987654321",
    accountName: "acme-production",
    environment: "prod",
    requesterEmail: "carol@corp.example",
    reason: "prod down",
    ticket: "",
    durationSeconds: 3600,
    breakGlass: true,
    startsAt: NOW.toISOString(),
    endsAt: minutes(60).toISOString(),
    decideBy: minutes(60).toISOString(),
    createdAt: NOW.toISOString(),
    approvalsRequired: 1,
    approvals: 0,
    decisions: [],
    closedBy: null,
    closedComment: "",
    ruleRemoved: false,
    version: 1,
  };

  it("the payload carries Slack-compatible text, and break-glass stands out", () => {
    const payload = webhookPayload({
      event: "requested",
      request,
      actorEmail: "carol@corp.example",
      comment: null,
      at: NOW,
      portalUrl: "https://aws.corp.example",
      revoked: false,
    });
    expect(payload.text).toMatch(
      /^:rotating_light: BREAK-GLASS: carol@corp\.example activated DataAnalyst/,
    );
    expect(payload.text).toContain(
      "<https://aws.corp.example/requests?request=req-1|Open in Gatehouse>",
    );
    expect(payload.request).toMatchObject({
      id: "req-1",
      requester: "carol@corp.example",
      breakGlass: true,
    });
    const revoked = webhookPayload({
      event: "ended",
      request,
      actorEmail: "alice@corp.example",
      comment: "done",
      at: NOW,
      portalUrl: "https://aws.corp.example",
      revoked: true,
    });
    expect(revoked.text).toContain("was revoked by alice@corp.example: “done”");
  });

  it("an approver can decide from the chat: the text says when a later request would start, and its ticket", () => {
    const later = {
      ...request,
      status: "pending" as const,
      breakGlass: false,
      ticket: "DATA-42",
      startsAt: minutes(24 * 60).toISOString(),
      endsAt: null,
    };
    const at = (event: "requested" | "approved") =>
      webhookPayload({
        event,
        request: later,
        actorEmail: event === "approved" ? "alice@corp.example" : "carol@corp.example",
        comment: null,
        at: NOW,
        portalUrl: "https://aws.corp.example",
        revoked: false,
      }).text;
    const starts = `${later.startsAt.slice(0, 10)} ${later.startsAt.slice(11, 16)} UTC`;
    expect(at("requested")).toContain(
      `for 1 h, starting ${starts}. Reason: prod down. Ticket: DATA-42.`,
    );
    expect(at("approved")).toContain(`was approved by alice@corp.example (starts ${starts})`);
    // A request for now says nothing of a start.
    const now = webhookPayload({
      event: "requested",
      request: { ...later, startsAt: NOW.toISOString(), ticket: "" },
      actorEmail: "carol@corp.example",
      comment: null,
      at: NOW,
      portalUrl: "https://aws.corp.example",
      revoked: false,
    }).text;
    expect(now).toContain("for 1 h. Reason: prod down. <https://");
  });

  it("what a requester typed can't ping a Slack channel: <, > and & are escaped in the text only", () => {
    const hostile = webhookPayload({
      event: "requested",
      request: { ...request, breakGlass: false, reason: "<!channel> please & <@U123|x>" },
      actorEmail: "carol@corp.example",
      comment: null,
      at: NOW,
      portalUrl: "https://aws.corp.example",
      revoked: false,
    });
    expect(hostile.text).toContain("&lt;!channel&gt; please &amp; &lt;@U123|x&gt;");
    expect(hostile.text).not.toContain("<!channel>");
    expect(hostile.request.reason).toBe("<!channel> please & <@U123|x>");
  });
});

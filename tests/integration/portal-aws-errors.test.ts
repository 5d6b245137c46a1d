// When AWS refuses: alice is granted acme-security/LegacyOps in the portal, but the role's trust
// policy does not name the broker, so STS answers AccessDenied. The user gets a 502 that names
// AWS's error code and the likely cause (trust), the audit log records the failure with the code,
// and no credentials leave the server.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import {
  assumeRoleCalls,
  issuanceOutcomeRows,
  expectApiError,
  parseDetails,
  resetStsCalls,
  storedUser,
} from "../support/portal-assertions";
import { roleIdOf, signIn, type PortalSession } from "../support/portal-client";
import { startTestStack, type TestStack } from "../support/stack";

const LEGACY_OPS_ARN = "arn:aws:iam::567890123456:role/LegacyOps";
const CASES = [
  { endpoint: "credentials", failedAction: "credentials.failed" },
  { endpoint: "console", failedAction: "console.failed" },
] as const;

let stack: TestStack;
let alice: PortalSession;
let aliceUser: { id: string; roleSessionName: string };
let legacyOps: string;

beforeAll(async () => {
  stack = await startTestStack();
  alice = await signIn(stack, "alice");
  aliceUser = await storedUser(stack, "alice");
  legacyOps = await roleIdOf(stack, "acme-security", "LegacyOps");
});
afterAll(async () => {
  await stack?.stop();
});

describe("a role whose trust policy doesn't trust the broker", () => {
  for (const { endpoint, failedAction } of CASES) {
    it(`${endpoint}: → 502 aws_refused with awsErrorCode AccessDenied, a message about trust, and no credentials`, async () => {
      await resetStsCalls(stack);
      const res = await alice.request(`/api/roles/${legacyOps}/${endpoint}`, {
        method: "POST",
        json: { region: "eu-west-1" },
      });
      const raw = await res.clone().text();
      const body = await expectApiError(res, 502, "aws_refused");
      expect(body.error.awsErrorCode).toBe("AccessDenied");
      expect(body.error.message).toMatch(/trust/i);
      for (const field of [
        "accessKeyId",
        "secretAccessKey",
        "sessionToken",
        "signinUrl",
        "SigninToken",
        "formats",
      ]) {
        expect(raw).not.toContain(field);
      }
      expect(raw).not.toMatch(/ASIA[A-Z0-9]{16}/);
      // AWS's own message names ARNs and principals: admins' log, not the user's screen.
      expect(raw).not.toContain("arn:aws:");

      // The portal did ask AWS, with its own parameters, and AWS refused.
      const calls = await assumeRoleCalls(stack);
      expect(calls).toHaveLength(1);
      expect(calls[0]).toMatchObject({
        roleArn: LEGACY_OPS_ARN,
        roleSessionName: aliceUser.roleSessionName,
        sourceIdentity: aliceUser.id,
        errorCode: "AccessDenied",
      });

      const rows = await issuanceOutcomeRows(stack, res.headers.get("x-request-id"));
      expect(rows).toHaveLength(1);
      expect(rows[0]).toMatchObject({
        action: failedAction,
        outcome: "error",
        actorUserId: aliceUser.id,
        awsAccountId: "567890123456",
        roleArn: LEGACY_OPS_ARN,
        roleSessionName: aliceUser.roleSessionName,
        sourceIdentity: aliceUser.id,
        accessKeyId: null,
      });
      const details = parseDetails(rows[0]!.detailsJson);
      expect(details.awsErrorCode).toBe("AccessDenied");
      expect(typeof details.reason).toBe("string");
    });
  }

  it("no issuance is audited as a success for the refused role", async () => {
    const issued = await stack.db.auditEvent.count({
      where: { roleArn: LEGACY_OPS_ARN, action: { in: ["credentials.issued", "console.issued"] } },
    });
    expect(issued).toBe(0);
  });

  it("the refusal is specific to that role: alice's other acme-security role still works", async () => {
    const securityAudit = await roleIdOf(stack, "acme-security", "SecurityAudit");
    const res = await alice.request(`/api/roles/${securityAudit}/credentials`, { method: "POST" });
    expect(res.status).toBe(200);
    expect(((await res.json()) as { accessKeyId: string }).accessKeyId).toMatch(/^ASIA/);
  });
});

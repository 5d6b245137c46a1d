import { describe, expect, it } from "vitest";
import { explainAssumeRoleRefusal } from "@/lib/aws/assume-role-refusal";
import { AppError } from "@/lib/errors";

function refused(awsErrorCode: string, awsMessage = "refused"): AppError {
  return new AppError("aws_refused", `AWS refused the request. (AWS error ${awsErrorCode})`, {
    awsErrorCode,
    internalReason: `AssumeRole: ${awsErrorCode}: ${awsMessage}`,
  });
}

const SET_SOURCE_IDENTITY =
  "User: arn:aws:sts::1:assumed-role/Broker/s is not authorized to perform: sts:SetSourceIdentity on resource: arn:aws:iam::2:role/R";
const ASSUME_ROLE =
  "User: arn:aws:sts::1:assumed-role/Broker/s is not authorized to perform: sts:AssumeRole on resource: arn:aws:iam::2:role/R";

describe("AWS refusals caused by the broker's role chain are explained", () => {
  it.each([
    {
      rule: "a tag clashing with, or counted with, the broker's transitive tags",
      error: refused("InvalidParameterValue"),
      sent: { isChained: true, tagCount: 3 },
      says: /passes tags on to every role it assumes/,
    },
    {
      rule: "a tag refusal without a chain",
      error: refused("InvalidParameterValue"),
      sent: { isChained: false, tagCount: 3 },
      says: /refused the session tags/,
    },
    {
      rule: "a packed size over the limit with the broker's transitive tags",
      error: refused("PackedPolicyTooLarge"),
      sent: { isChained: true, tagCount: 1 },
      says: /tags the broker's own role session passes on/,
    },
    {
      rule: "a source identity the broker's own session already fixed",
      error: refused("AccessDenied", SET_SOURCE_IDENTITY),
      sent: { isChained: true, tagCount: 0 },
      says: /already carries a source identity/,
    },
  ])("rewords $rule, keeping AWS's code", ({ error, sent, says }) => {
    const explained = explainAssumeRoleRefusal(error, sent);
    expect(explained).toBeInstanceOf(AppError);
    const e = explained as AppError;
    expect(e.code).toBe("aws_refused");
    expect(e.publicMessage).toMatch(says);
    expect(e.publicMessage).toContain(`(AWS error ${error.awsErrorCode})`);
    expect(e.awsErrorCode).toBe(error.awsErrorCode);
    expect(e.internalReason).toBe(error.internalReason);
  });

  it.each([
    {
      rule: "InvalidParameterValue when no tags were sent",
      error: refused("InvalidParameterValue"),
      sent: { isChained: true, tagCount: 0 },
    },
    {
      rule: "PackedPolicyTooLarge without a chain",
      error: refused("PackedPolicyTooLarge"),
      sent: { isChained: false, tagCount: 2 },
    },
    {
      rule: "an AccessDenied for sts:AssumeRole",
      error: refused("AccessDenied", ASSUME_ROLE),
      sent: { isChained: true, tagCount: 0 },
    },
    {
      rule: "a SetSourceIdentity refusal without a chain",
      error: refused("AccessDenied", SET_SOURCE_IDENTITY),
      sent: { isChained: false, tagCount: 0 },
    },
    {
      rule: "an outage",
      error: new AppError("aws_unavailable", "busy"),
      sent: { isChained: true, tagCount: 3 },
    },
  ])("leaves $rule as it was", ({ error, sent }) => {
    expect(explainAssumeRoleRefusal(error, sent)).toBe(error);
  });
});

// What a user is told when AWS refuses AssumeRoleWithSAML: the caller there is the user's SAML
// assertion, not the portal's broker, so the message must point at the IdP's AWS app, the SAML
// provider or the role's trust policy — never at the broker's own credentials
// (docs/SAML-IDENTITY.md "Roles reached through the AWS app").
import { describe, expect, it } from "vitest";
import { appErrorFromAws } from "@/lib/aws/aws-errors";

function awsError(code: string, status: number, name = code): Error {
  return Object.assign(new Error(`${code} message`), {
    name,
    Code: code,
    $fault: "client",
    $metadata: { httpStatusCode: status },
  });
}

describe("an AssumeRoleWithSAML refusal names the assertion, not the broker, and what to do", () => {
  it.each([
    ["ExpiredTokenException", 400, /identity provider's AWS sign-in has expired.*AWS app again/],
    ["ExpiredToken", 400, /identity provider's AWS sign-in has expired.*AWS app again/],
    ["AccessDenied", 403, /Role attribute does not pair this role with this SAML provider/],
    ["InvalidIdentityToken", 400, /rejected your identity provider's assertion.*SAML provider/],
    ["IDPRejectedClaim", 403, /rejected your identity provider's claims.*administrator/],
  ])("%s (HTTP %d)", (code, status, expected) => {
    const error = appErrorFromAws(awsError(code, status), "AssumeRoleWithSAML");
    expect(error.code).toBe("aws_refused");
    expect(error.message).toMatch(expected);
    expect(error.message).toContain(`(AWS error ${code})`);
    expect(error.message).not.toMatch(/portal's own AWS credentials|broker/);
  });

  it("the same codes for AssumeRole keep the broker's explanations", () => {
    expect(appErrorFromAws(awsError("ExpiredTokenException", 400), "AssumeRole").message).toMatch(
      /portal's own AWS credentials have expired/,
    );
    expect(appErrorFromAws(awsError("AccessDenied", 403), "AssumeRole").message).toMatch(
      /trust the portal's broker/,
    );
  });
});

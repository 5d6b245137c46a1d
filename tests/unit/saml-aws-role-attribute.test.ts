import { describe, expect, it } from "vitest";
import { parseAwsRoleAttribute } from "@/lib/saml/aws-role-attribute";
import { isAwsAudience, isAwsSignInUrl } from "@/lib/saml/aws-targeting";

const ROLE = "arn:aws:iam::123456789012:role/Developer";
const PROVIDER = "arn:aws:iam::123456789012:saml-provider/CorpIdP";

describe("parseAwsRoleAttribute", () => {
  it("accepts role,provider and provider,role, trims spaces, and drops duplicates", () => {
    expect(parseAwsRoleAttribute([`${ROLE},${PROVIDER}`, ` ${PROVIDER} , ${ROLE} `])).toEqual({
      roles: [{ roleArn: ROLE, principalArn: PROVIDER }],
      rejected: [],
    });
  });

  it.each([
    [
      "a role with a path",
      "arn:aws:iam::123456789012:role/team/platform/Deployer",
      "arn:aws:iam::123456789012:saml-provider/Okta",
    ],
    [
      "GovCloud",
      "arn:aws-us-gov:iam::123456789012:role/Dev",
      "arn:aws-us-gov:iam::123456789012:saml-provider/Corp",
    ],
    [
      "China",
      "arn:aws-cn:iam::123456789012:role/Dev",
      "arn:aws-cn:iam::123456789012:saml-provider/Corp",
    ],
  ])("accepts %s", (_name, roleArn, principalArn) => {
    expect(parseAwsRoleAttribute([`${roleArn},${principalArn}`]).roles).toEqual([
      { roleArn, principalArn },
    ]);
  });

  it.each([
    ["one ARN only", ROLE],
    ["three parts", `${ROLE},${PROVIDER},${PROVIDER}`],
    ["two roles", `${ROLE},${ROLE}`],
    ["an 11-digit account", `arn:aws:iam::12345678901:role/Dev,${PROVIDER}`],
    [
      "an unknown partition",
      `arn:aws-xx:iam::123456789012:role/Dev,arn:aws-xx:iam::123456789012:saml-provider/Corp`,
    ],
    [
      "a role in another account than the provider",
      `arn:aws:iam::210987654321:role/Dev,${PROVIDER}`,
    ],
    [
      "a role in another partition than the provider",
      `arn:aws-cn:iam::123456789012:role/Dev,${PROVIDER}`,
    ],
    ["a service other than IAM", `arn:aws:sts::123456789012:role/Dev,${PROVIDER}`],
    ["a role name with forbidden characters", `arn:aws:iam::123456789012:role/Dev*,${PROVIDER}`],
    ["a role name longer than 64", `arn:aws:iam::123456789012:role/${"r".repeat(65)},${PROVIDER}`],
    ["a provider name with a slash", `${ROLE},arn:aws:iam::123456789012:saml-provider/a/b`],
    ["an empty value", ""],
  ])("skips and reports %s", (_name, value) => {
    const parsed = parseAwsRoleAttribute([value, `${ROLE},${PROVIDER}`]);
    expect(parsed.roles).toEqual([{ roleArn: ROLE, principalArn: PROVIDER }]);
    expect(parsed.rejected).toHaveLength(1);
    expect(parsed.rejected[0]?.value).toBe(value.slice(0, 200));
  });

  it("stays fast on a hostile near-miss ARN", () => {
    const value = `arn:aws:iam::123456789012:role/${"a/".repeat(1000)}!,${PROVIDER}`;
    const started = performance.now();
    expect(parseAwsRoleAttribute([value]).roles).toEqual([]);
    // A blow-up guard (a backtracking regex would take seconds), not a benchmark.
    expect(performance.now() - started).toBeLessThan(2000);
  });
});

describe("AWS targeting", () => {
  it.each([
    ["https://signin.aws.amazon.com/saml", true],
    ["https://us-east-1.signin.aws.amazon.com/saml", true],
    ["https://SIGNIN.AWS.AMAZON.COM./saml", true],
    ["https://signin.amazonaws-us-gov.com/saml", true],
    ["https://signin.amazonaws.cn/saml", true],
    ["https://signin.aws.amazon.com.evil.example/saml", false],
    ["https://evilsignin.aws.amazon.com/saml", false],
    ["https://gatehouse.corp.example/api/auth/saml/acs", false],
    ["not a url", false],
  ])("sign-in URL %s → %s", (url, expected) => {
    expect(isAwsSignInUrl(url)).toBe(expected);
  });

  it.each([
    ["urn:amazon:webservices", true],
    ["urn:amazon:webservices:govcloud", true],
    ["https://signin.aws.amazon.com/saml", true],
    ["urn:amazon:webservicesX", false],
    ["https://gatehouse.corp.example/saml/metadata", false],
  ])("audience %s → %s", (audience, expected) => {
    expect(isAwsAudience(audience)).toBe(expected);
  });
});

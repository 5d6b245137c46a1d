// A role trusting a SAML provider is offered as "assumed with SAML" only when the provider is in
// the role's own account and partition: AssumeRoleWithSAML takes no other, so a role naming one
// elsewhere would be created unusable (docs/DISCOVERY.md "Reading trust policies").
import { describe, expect, it } from "vitest";
import { readTrust } from "@/lib/discovery/trust-policy";

const ROLE_ACCOUNT = "200000000002";

function samlPolicy(provider: string): string {
  return JSON.stringify({
    Version: "2012-10-17",
    Statement: [
      { Effect: "Allow", Principal: { Federated: provider }, Action: "sts:AssumeRoleWithSAML" },
    ],
  });
}

describe("a SAML provider counts only in the role's own account and partition", () => {
  it.each<[string, string, string, "saml" | "untrusted"]>([
    ["the role's account", "aws", `arn:aws:iam::${ROLE_ACCOUNT}:saml-provider/corp`, "saml"],
    ["another account", "aws", "arn:aws:iam::999999999999:saml-provider/corp", "untrusted"],
    ["another partition", "aws", `arn:aws-cn:iam::${ROLE_ACCOUNT}:saml-provider/corp`, "untrusted"],
    [
      "GovCloud, in the role's account",
      "aws-us-gov",
      `arn:aws-us-gov:iam::${ROLE_ACCOUNT}:saml-provider/corp`,
      "saml",
    ],
    [
      "GovCloud broker, commercial provider",
      "aws-us-gov",
      `arn:aws:iam::${ROLE_ACCOUNT}:saml-provider/corp`,
      "untrusted",
    ],
  ])("%s", (_name, partition, provider, kind) => {
    const context = {
      brokerArn: `arn:${partition}:iam::100000000001:user/gatehouse-broker`,
      brokerAccount: "100000000001",
      partition,
    };
    const verdict = readTrust(samlPolicy(provider), context, ROLE_ACCOUNT);
    expect(verdict.kind).toBe(kind);
    if (verdict.kind === "untrusted")
      expect(verdict.reason).toContain("is not in the role's account and partition");
  });
});

// One definition of what AWS allows (lib/aws/partitions.ts, docs/AWS.md): every module that checks
// a role ARN, a region or a partition gives the same answer, and a role the broker can never reach
// is refused where it is entered.
import { describe, expect, it } from "vitest";
import { parseRole } from "@/lib/admin/role-input";
import {
  ROLE_ARN_PATTERN,
  parseRoleArn,
  partitionOf,
  partitionOfArn,
  regionOfStsHost,
} from "@/lib/aws/partitions";
import { regionsOfPartition } from "@/lib/aws/regions";
import { parseAwsRoleAttribute } from "@/lib/saml/aws-role-attribute";
import { parseAuditQuery } from "@/lib/audit/audit-query";

const ROLE_ARNS: Array<[string, boolean]> = [
  ["arn:aws:iam::123456789012:role/Admin", true],
  ["arn:aws-us-gov:iam::123456789012:role/Admin", true],
  ["arn:aws-cn:iam::123456789012:role/team/Admin", true],
  ["arn:aws-iso:iam::123456789012:role/Admin", false],
  ["arn:aws:iam::12345678901:role/Admin", false],
  ["arn:aws:iam::123456789012:user/Admin", false],
  ["arn:aws:iam::123456789012:role/Has Space", false],
  [`arn:aws:iam::123456789012:role/${"a".repeat(65)}`, false],
];

describe("a role ARN means the same everywhere", () => {
  it.each(ROLE_ARNS)(
    "%s → %s in the ARN pattern, SAML role attribute and audit filter",
    (arn, valid) => {
      expect(ROLE_ARN_PATTERN.test(arn)).toBe(valid);
      expect(parseRoleArn(arn) !== null).toBe(valid);
      const partition = partitionOfArn(arn) ?? "aws";
      const provider = `arn:${partition}:iam::123456789012:saml-provider/Corp`;
      const saml = parseAwsRoleAttribute([`${arn},${provider}`]);
      expect(saml.roles.length === 1).toBe(valid);
      const audit = parseAuditQuery(new URLSearchParams({ role: arn }));
      expect(audit.ok).toBe(valid);
    },
  );
});

const ROLE_INPUT = {
  name: "Admin",
  arn: "",
  description: "",
  maxSessionDurationSeconds: 3600,
  assumeMethod: "assume-role" as const,
  samlProviderArn: "",
  externalId: "",
  requiresBrokerMfa: false,
};

describe("a role the broker can't reach is refused when it is entered", () => {
  it.each([
    [
      "a GovCloud role in a commercial portal",
      "aws",
      "arn:aws-us-gov:iam::123456789012:role/Admin",
      /AWS GovCloud \(US\).*broker works in AWS \(commercial\)/,
    ],
    [
      "a commercial role in a China portal",
      "aws-cn",
      "arn:aws:iam::123456789012:role/Admin",
      /AWS \(commercial\).*broker works in AWS China/,
    ],
  ] as const)("%s", (_case, partition, arn, message) => {
    const parsed = parseRole({ ...ROLE_INPUT, arn }, "123456789012", partition);
    expect(parsed.ok).toBe(false);
    if (!parsed.ok) expect(parsed.errors.arn).toMatch(message);
  });

  it("a SAML provider of another partition likewise", () => {
    const parsed = parseRole(
      {
        ...ROLE_INPUT,
        assumeMethod: "assume-role-with-saml",
        samlProviderArn: "arn:aws-cn:iam::123456789012:saml-provider/Corp",
      },
      "123456789012",
      "aws",
    );
    expect(parsed.ok).toBe(false);
    if (!parsed.ok)
      expect(parsed.errors.samlProviderArn).toMatch(/AWS China.*Run a Gatehouse of its own/);
  });

  it("without a pasted ARN the role gets the broker's partition", () => {
    const parsed = parseRole(ROLE_INPUT, "123456789012", "aws-us-gov");
    expect(parsed.ok && parsed.values.arn).toBe("arn:aws-us-gov:iam::123456789012:role/Admin");
  });

  it.each(["aws", "aws-us-gov", "aws-cn"] as const)(
    "a malformed ARN or SAML provider is told the form it takes in the broker's partition (%s)",
    (partition) => {
      const parsed = parseRole(
        {
          ...ROLE_INPUT,
          arn: `arn:${partition}:iam::012345678901:Admin`,
          assumeMethod: "assume-role-with-saml",
          samlProviderArn: "corp-idp",
        },
        "012345678901",
        partition,
      );
      expect(parsed.ok).toBe(false);
      if (parsed.ok) return;
      expect(parsed.errors.arn).toContain(
        `expected arn:${partition}:iam::012345678901:role/<name>`,
      );
      expect(parsed.errors.samlProviderArn).toContain(
        `arn:${partition}:iam::012345678901:saml-provider/<name>`,
      );
    },
  );
});

describe("the region an STS host names", () => {
  it.each([
    ["sts.us-west-2.amazonaws.com", "us-west-2"],
    ["STS.EU-WEST-1.AMAZONAWS.COM.", "eu-west-1"],
    ["sts-fips.us-east-1.amazonaws.com", "us-east-1"],
    ["sts.ap-south-1.api.aws", "ap-south-1"],
    ["sts.cn-north-1.amazonaws.com.cn", "cn-north-1"],
    ["sts.cn-north-1.api.amazonwebservices.com.cn", "cn-north-1"],
    ["vpce-0123-abcd.sts.eu-central-1.vpce.amazonaws.com", "eu-central-1"],
    ["sts.amazonaws.com", "us-east-1"],
    ["127.0.0.1", null],
    ["proxy.corp.example", null],
    ["sts.moon-1.amazonaws.com", null],
    ["sts.eu-west-1.amazonaws.com.evil.example", null],
  ])("%s → %s", (host, region) => {
    expect(regionOfStsHost(host)).toBe(region);
  });
});

describe("a portal offers the regions of its own partition", () => {
  it.each(["aws", "aws-us-gov", "aws-cn"] as const)(
    "every region listed for %s is a region of %s, and there is at least one",
    (partition) => {
      const regions = regionsOfPartition(partition);
      expect(regions.length).toBeGreaterThan(0);
      for (const { code } of regions) expect(partitionOf(code)).toBe(partition);
    },
  );
});

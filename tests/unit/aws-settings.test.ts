// The AWS side of the configuration (docs/AWS.md): every STS endpoint is signed for its own region,
// FIPS and dual-stack pick AWS's hosts, one partition per portal with its own federation endpoint
// and SAML values, and region codes are checked by the same function issuance uses.
import { describe, expect, it } from "vitest";
import { isAwsRegion, partitionOf } from "@/lib/aws/partitions";
import { ConfigError, loadConfig } from "@/lib/config/load-config";

const BASE = {
  NEXTAUTH_URL: "https://aws.corp.example",
  NEXTAUTH_SECRET: "s".repeat(32),
  GATEHOUSE_ADMIN_GROUP: "gatehouse-admins",
};

function aws(settings: Record<string, string>) {
  return loadConfig({ ...BASE, ...settings }).aws;
}

function problems(settings: Record<string, string>): string {
  try {
    loadConfig({ ...BASE, ...settings });
  } catch (error) {
    if (error instanceof ConfigError) return error.problems.join("\n");
    throw error;
  }
  return "(accepted)";
}

describe("each STS endpoint is signed for its own region", () => {
  it("the README's example list: three regional hosts, each signed for its region", () => {
    const config = aws({
      AWS_REGION: "us-east-1",
      GATEHOUSE_STS_ENDPOINTS: "us-east-1,us-west-2,eu-west-1",
    });
    expect(config.stsEndpoints.map(({ url, region }) => ({ url, region }))).toEqual([
      { url: "https://sts.us-east-1.amazonaws.com", region: "us-east-1" },
      { url: "https://sts.us-west-2.amazonaws.com", region: "us-west-2" },
      { url: "https://sts.eu-west-1.amazonaws.com", region: "eu-west-1" },
    ]);
  });

  it.each([
    [
      "region=URL (a VPC interface endpoint, a proxy)",
      "eu-west-1=https://proxy.corp.example/sts",
      "https://proxy.corp.example/sts",
      "eu-west-1",
    ],
    [
      "region=URL on a local server",
      "us-west-2=http://127.0.0.1:4566/",
      "http://127.0.0.1:4566",
      "us-west-2",
    ],
    [
      "a regional STS URL",
      "https://sts.ap-southeast-2.amazonaws.com",
      "https://sts.ap-southeast-2.amazonaws.com",
      "ap-southeast-2",
    ],
    [
      "the global endpoint is us-east-1",
      "https://sts.amazonaws.com",
      "https://sts.amazonaws.com",
      "us-east-1",
    ],
    [
      "a FIPS host",
      "https://sts-fips.us-east-2.amazonaws.com",
      "https://sts-fips.us-east-2.amazonaws.com",
      "us-east-2",
    ],
    [
      "a dual-stack host",
      "https://sts.eu-central-1.api.aws",
      "https://sts.eu-central-1.api.aws",
      "eu-central-1",
    ],
    [
      "a VPC endpoint's own DNS name",
      "https://vpce-0a1b2c3d4e5f-abcdefgh.sts.eu-west-1.vpce.amazonaws.com",
      "https://vpce-0a1b2c3d4e5f-abcdefgh.sts.eu-west-1.vpce.amazonaws.com",
      "eu-west-1",
    ],
  ])("%s", (_form, entry, url, region) => {
    const [endpoint] = aws({ GATEHOUSE_STS_ENDPOINTS: entry }).stsEndpoints;
    expect(endpoint).toEqual({ url, region, entry });
  });

  it.each([
    [
      "a URL whose host names no region",
      "http://127.0.0.1:4566",
      /does not say which region to sign for.*us-east-1=http:\/\/127\.0\.0\.1:4566/,
    ],
    ["a region code AWS does not have", "eu-west-01", /"eu-west-01" is neither an AWS region code/],
    [
      "region=URL with a bad region",
      "moon-1=https://proxy.corp.example",
      /names the region "moon-1"/,
    ],
    ["region=something that is not a URL", "us-east-1=proxy", /must be <region>=<http\(s\) URL>/],
    [
      "another partition than the broker's",
      "us-gov-west-1",
      /AWS GovCloud \(US\).*broker \(AWS_REGION\) is in AWS \(commercial\).*one portal per partition/,
    ],
  ])("refused at boot, naming the entry: %s", (_why, entry, message) => {
    expect(problems({ AWS_REGION: "us-east-1", GATEHOUSE_STS_ENDPOINTS: entry })).toMatch(message);
  });

  it("every bad entry is named at once", () => {
    const text = problems({ GATEHOUSE_STS_ENDPOINTS: "http://a.example,http://b.example" });
    expect(text).toContain('"http://a.example"');
    expect(text).toContain('"http://b.example"');
  });
});

describe("FIPS and dual-stack choose AWS's hosts (the SDK's own switches are honoured)", () => {
  it.each([
    [
      "FIPS in us-east-1",
      { AWS_USE_FIPS_ENDPOINT: "true" },
      "us-east-1",
      "https://sts-fips.us-east-1.amazonaws.com",
    ],
    [
      "FIPS by our own setting",
      { GATEHOUSE_STS_FIPS: "true" },
      "us-west-2",
      "https://sts-fips.us-west-2.amazonaws.com",
    ],
    [
      "dual-stack",
      { AWS_USE_DUALSTACK_ENDPOINT: "true" },
      "eu-west-1",
      "https://sts.eu-west-1.api.aws",
    ],
    [
      "FIPS and dual-stack",
      { AWS_USE_FIPS_ENDPOINT: "true", AWS_USE_DUALSTACK_ENDPOINT: "true" },
      "us-east-1",
      "https://sts-fips.us-east-1.api.aws",
    ],
    [
      "FIPS in GovCloud: every STS endpoint there is FIPS",
      { AWS_USE_FIPS_ENDPOINT: "true" },
      "us-gov-west-1",
      "https://sts.us-gov-west-1.amazonaws.com",
    ],
    [
      "dual-stack in China",
      { AWS_USE_DUALSTACK_ENDPOINT: "true" },
      "cn-north-1",
      "https://sts.cn-north-1.api.amazonwebservices.com.cn",
    ],
    ["China's regular host", {}, "cn-northwest-1", "https://sts.cn-northwest-1.amazonaws.com.cn"],
    [
      "our setting overrides the SDK's",
      { AWS_USE_FIPS_ENDPOINT: "true", GATEHOUSE_STS_FIPS: "false" },
      "eu-west-1",
      "https://sts.eu-west-1.amazonaws.com",
    ],
  ])("%s", (_case, flags, region, url) => {
    const config = aws({ AWS_REGION: region, ...flags });
    expect(config.stsEndpoints).toEqual([{ url, region, entry: region }]);
  });

  it("a URL entry is kept as written with FIPS on (it is already the host the operator chose)", () => {
    const config = aws({
      AWS_USE_FIPS_ENDPOINT: "true",
      GATEHOUSE_STS_ENDPOINTS: "us-east-1=http://127.0.0.1:4566",
    });
    expect(config.stsEndpoints[0]?.url).toBe("http://127.0.0.1:4566");
  });

  it("FIPS where STS has no FIPS endpoint is a boot error naming the region and the switch", () => {
    expect(problems({ AWS_REGION: "eu-west-1", AWS_USE_FIPS_ENDPOINT: "true" })).toMatch(
      /AWS_REGION "eu-west-1" can't be used with FIPS: STS has no FIPS endpoint in eu-west-1.*AWS_USE_FIPS_ENDPOINT/,
    );
  });

  it("a switch that is not true/false is refused", () => {
    expect(problems({ AWS_USE_FIPS_ENDPOINT: "maybe" })).toMatch(
      /AWS_USE_FIPS_ENDPOINT must be true or false/,
    );
  });
});

describe("one partition per portal: federation endpoint and SAML values follow it", () => {
  it.each([
    [
      "us-east-1",
      "https://signin.aws.amazon.com/federation",
      "urn:amazon:webservices",
      "https://signin.aws.amazon.com/saml",
    ],
    [
      "us-gov-west-1",
      "https://signin.amazonaws-us-gov.com/federation",
      "urn:amazon:webservices:govcloud",
      "https://signin.amazonaws-us-gov.com/saml",
    ],
    [
      "cn-north-1",
      "https://signin.amazonaws.cn/federation",
      "urn:amazon:webservices:cn",
      "https://signin.amazonaws.cn/saml",
    ],
  ])("a broker in %s", (region, federation, audience, recipient) => {
    const config = aws({ AWS_REGION: region });
    expect(config.partition).toBe(partitionOf(region));
    expect(config.federationEndpoint).toBe(federation);
    expect(config.saml.audience).toBe(audience);
    expect(config.saml.recipients).toContain(recipient);
  });

  it("the commercial partition also accepts AWS's regional SAML endpoints as Recipient", () => {
    expect(aws({}).saml.recipients).toContain("https://eu-west-1.signin.aws.amazon.com/saml");
  });

  it("each can be overridden", () => {
    const config = aws({
      GATEHOUSE_FEDERATION_ENDPOINT: "https://eu-west-1.signin.aws.amazon.com/federation",
      GATEHOUSE_AWS_SAML_AUDIENCE: "https://signin.aws.amazon.com/saml",
      GATEHOUSE_AWS_SAML_RECIPIENTS: "https://signin.aws.amazon.com/saml",
    });
    expect(config.federationEndpoint).toBe("https://eu-west-1.signin.aws.amazon.com/federation");
    expect(config.saml).toEqual({
      audience: "https://signin.aws.amazon.com/saml",
      recipients: ["https://signin.aws.amazon.com/saml"],
    });
  });
});

describe("region codes: one definition for configuration and issuance", () => {
  // Before, the configuration accepted codes that issuance's partition lookup refused, and every
  // issuance without an explicit region failed with a generic 500.
  it.each(["eu-west-01", "us-east-0", "eu-west", "EU-WEST-1", "us-iso-east-1", "eusc-de-east-1"])(
    "GATEHOUSE_DEFAULT_REGION=%s is refused at boot, as issuance would refuse it",
    (region) => {
      expect(isAwsRegion(region)).toBe(false);
      expect(problems({ GATEHOUSE_DEFAULT_REGION: region })).toMatch(
        /GATEHOUSE_DEFAULT_REGION must be an AWS region code/,
      );
    },
  );

  it("the default region defaults to AWS_REGION, and must be in its partition", () => {
    expect(loadConfig({ ...BASE, AWS_REGION: "us-gov-east-1" }).defaultRegion).toBe(
      "us-gov-east-1",
    );
    expect(problems({ AWS_REGION: "us-east-1", GATEHOUSE_DEFAULT_REGION: "cn-north-1" })).toMatch(
      /GATEHOUSE_DEFAULT_REGION cn-north-1 is not in the broker's partition/,
    );
  });
});

describe("GATEHOUSE_FEDERATION_ENDPOINT is a sign-in endpoint of the broker's partition", () => {
  it.each([
    ["us-east-1", "https://signin.aws.amazon.com/federation"],
    ["us-east-1", "https://eu-central-1.signin.aws.amazon.com/federation"],
    ["eu-west-1", "https://SIGNIN.aws.amazon.com/federation/"],
    ["us-gov-west-1", "https://signin.amazonaws-us-gov.com/federation"],
    ["cn-northwest-1", "https://signin.amazonaws.cn/federation"],
    // The local AWS stand-in of the demo and the test stacks.
    ["us-east-1", "http://127.0.0.1:4566/federation"],
    ["us-gov-west-1", "http://localhost:3200/federation"],
    ["cn-north-1", "https://[::1]:8443/anything"],
  ])("a broker in %s accepts %s", (region, endpoint) => {
    expect(
      problems({
        AWS_REGION: region,
        GATEHOUSE_FEDERATION_ENDPOINT: endpoint,
        NODE_ENV: "production",
      }),
    ).toBe("(accepted)");
  });

  it.each([
    [
      "a GovCloud broker pointed at the commercial endpoint",
      "us-gov-west-1",
      "https://signin.aws.amazon.com/federation",
      /it is the sign-in endpoint of the aws partition/,
    ],
    [
      "a commercial broker pointed at GovCloud's",
      "us-east-1",
      "https://signin.amazonaws-us-gov.com/federation",
      /it is the sign-in endpoint of the aws-us-gov partition/,
    ],
    [
      "a China broker pointed at a commercial regional endpoint",
      "cn-north-1",
      "https://eu-west-1.signin.aws.amazon.com/federation",
      /it is the sign-in endpoint of the aws partition/,
    ],
    [
      "a typo'd host",
      "us-east-1",
      "https://sigin.aws.amazon.com/federation",
      /'sigin\.aws\.amazon\.com' is not an AWS sign-in host/,
    ],
    [
      "a regional host of a region that does not exist",
      "us-east-1",
      "https://eu-west-9.signin.aws.amazon.com/federation",
      /is not an AWS sign-in host/,
    ],
    [
      "a GovCloud region under the commercial sign-in host",
      "us-gov-west-1",
      "https://us-gov-west-1.signin.aws.amazon.com/federation",
      /is not an AWS sign-in host/,
    ],
    [
      "another path",
      "us-east-1",
      "https://signin.aws.amazon.com/saml",
      /federation path is \/federation/,
    ],
    ["a port", "us-east-1", "https://signin.aws.amazon.com:8443/federation", /takes no port/],
    [
      "a query",
      "us-east-1",
      "https://signin.aws.amazon.com/federation?Action=login",
      /takes no port, query/,
    ],
    [
      "plain http to AWS",
      "us-east-1",
      "http://signin.aws.amazon.com/federation",
      /must use https:\/\/ except on localhost/,
    ],
    [
      "a proxy elsewhere",
      "us-east-1",
      "https://signin-proxy.corp.example/federation",
      /'signin-proxy\.corp\.example' is not an AWS sign-in host/,
    ],
  ])("%s is refused at start", (_case, region, endpoint, why) => {
    for (const NODE_ENV of ["production", "development"]) {
      const found = problems({
        AWS_REGION: region,
        GATEHOUSE_FEDERATION_ENDPOINT: endpoint,
        NODE_ENV,
      });
      expect(found.split("\n")).toEqual([expect.stringMatching(/^GATEHOUSE_FEDERATION_ENDPOINT /)]);
      expect(found).toMatch(why);
      // Names the partition and the accepted forms.
      expect(found).toContain(`(partition ${partitionOf(region)}, from AWS_REGION ${region})`);
      expect(found).toContain(
        partitionOf(region) === "aws"
          ? "https://signin.aws.amazon.com/federation or https://<region>.signin.aws.amazon.com/federation"
          : partitionOf(region) === "aws-us-gov"
            ? "https://signin.amazonaws-us-gov.com/federation"
            : "https://signin.amazonaws.cn/federation",
      );
    }
  });
});

describe("GATEHOUSE_BROKER_MFA_SERIAL is a device AWS could accept from this broker", () => {
  const keys = {
    GATEHOUSE_BROKER_ACCESS_KEY_ID: "AKIAIOSFODNN7EXAMPLE",
    GATEHOUSE_BROKER_SECRET_ACCESS_KEY: "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY",
  };
  it.each([
    { region: "us-east-1", serial: "arn:aws:iam::123456789012:mfa/gatehouse-broker" },
    { region: "us-gov-west-1", serial: "arn:aws-us-gov:iam::123456789012:mfa/broker" },
    { region: "cn-north-1", serial: "arn:aws-cn:iam::123456789012:mfa/broker" },
    { region: "us-east-1", serial: "GAHT12345678" },
    { region: "us-east-1", serial: `arn:aws:iam::123456789012:mfa/${"b".repeat(226)}` },
  ])("accepted: $serial with AWS_REGION=$region", ({ region, serial }) => {
    expect(problems({ ...keys, AWS_REGION: region, GATEHOUSE_BROKER_MFA_SERIAL: serial })).toBe(
      "(accepted)",
    );
  });

  it.each([
    {
      rule: "a device of another partition is refused at boot",
      region: "us-east-1",
      serial: "arn:aws-cn:iam::123456789012:mfa/broker",
      problem: /GATEHOUSE_BROKER_MFA_SERIAL is a device in partition aws-cn, the broker is in aws/,
    },
    {
      rule: "a serial longer than AWS's 256 characters is refused at boot",
      region: "us-east-1",
      serial: `arn:aws:iam::123456789012:mfa/${"b".repeat(227)}`,
      problem: /GATEHOUSE_BROKER_MFA_SERIAL is 257 characters; AWS accepts at most 256/,
    },
  ])("$rule", ({ region, serial, problem }) => {
    expect(problems({ ...keys, AWS_REGION: region, GATEHOUSE_BROKER_MFA_SERIAL: serial })).toMatch(
      problem,
    );
  });
});

import { describe, expect, it } from "vitest";

import {
  ConsoleDestinationNotAllowedError,
  federationLoginUrl,
  getSigninTokenUrl,
  isAllowedConsoleDestination,
} from "@/lib/aws/console-urls";
import { AWS_REGION_PATTERN, isAwsRegion, partitionOf } from "@/lib/aws/partitions";
import { AWS_REGIONS } from "@/lib/aws/regions";

const FEDERATION = "https://signin.aws.amazon.com/federation";
const creds = {
  accessKeyId: "ASIAEXAMPLE123456789",
  secretAccessKey: "wJalr+XUtn/FEMI=K7MDENG+bPx/RfiCY==",
  sessionToken: "IQoJ+b3Jp/Z2lu=X2Vj+EJr//w==",
};

describe("regions", () => {
  it.each([
    ["us-east-1", "aws"],
    ["eu-west-1", "aws"],
    ["ap-southeast-7", "aws"],
    ["ap-east-2", "aws"],
    ["mx-central-1", "aws"],
    ["ca-west-1", "aws"],
    ["il-central-1", "aws"],
    ["me-central-1", "aws"],
    ["af-south-1", "aws"],
    ["sa-east-1", "aws"],
    ["us-gov-west-1", "aws-us-gov"],
    ["us-gov-east-1", "aws-us-gov"],
    ["cn-north-1", "aws-cn"],
    ["cn-northwest-1", "aws-cn"],
  ] as const)("%s is a region of partition %s", (region, partition) => {
    expect(isAwsRegion(region)).toBe(true);
    expect(partitionOf(region)).toBe(partition);
  });

  it.each([
    ["empty", ""],
    ["upper case", "US-EAST-1"],
    ["no number", "us-east"],
    ["leading zero", "us-east-01"],
    ["three digits", "us-east-100"],
    ["unknown geography", "xx-east-1"],
    ["not a direction", "us-evil-1"],
    ["ISO partition", "us-iso-east-1"],
    ["ISO-B partition", "us-isob-east-1"],
    ["European Sovereign Cloud", "eusc-de-east-1"],
    ["the SDK's pseudo-region", "aws-global"],
    ["trailing newline", "us-east-1\n"],
    ["host injection", "us-east-1.evil.example"],
    ["shell injection", "us-east-1;id"],
  ])("rejects %s (%j)", (_rule, value) => {
    expect(AWS_REGION_PATTERN.test(value)).toBe(false);
    expect(isAwsRegion(value)).toBe(false);
    expect(() => partitionOf(value)).toThrow(RangeError);
  });

  it("lists only unique, valid commercial regions with names", () => {
    const codes = AWS_REGIONS.map((region) => region.code);
    expect(new Set(codes).size).toBe(codes.length);
    for (const { code, name } of AWS_REGIONS) {
      expect(partitionOf(code)).toBe("aws");
      expect(name.length).toBeGreaterThan(0);
    }
    expect(codes).toEqual(
      expect.arrayContaining(["us-east-1", "eu-central-1", "ap-southeast-7", "mx-central-1"]),
    );
  });
});

describe("isAllowedConsoleDestination", () => {
  it.each([
    "https://console.aws.amazon.com/",
    "https://console.aws.amazon.com",
    "https://us-east-1.console.aws.amazon.com/ec2/home?region=us-east-1#Instances:",
    "https://CONSOLE.AWS.AMAZON.COM/",
    "https://console.amazonaws-us-gov.com/console/home?region=us-gov-east-1",
    "https://console.amazonaws.cn/console/home?region=cn-northwest-1",
  ])("allows %s", (url) => {
    expect(isAllowedConsoleDestination(url)).toBe(true);
  });

  it.each([
    ["a look-alike suffix host", "https://console.aws.amazon.com.evil.example/"],
    ["plain http", "http://console.aws.amazon.com/"],
    ["user info", "https://user@console.aws.amazon.com/"],
    ["user info before an evil host", "https://console.aws.amazon.com@evil.example/"],
    ["user and password", "https://a:b@console.aws.amazon.com/"],
    ["a non-default port", "https://console.aws.amazon.com:444/"],
    ["an explicit default port", "https://console.aws.amazon.com:443/"],
    ["javascript:", "javascript:alert(1)"],
    ["data:", "data:text/html,<script>alert(1)</script>"],
    ["the host only in the query", "https://evil.example/?x=console.aws.amazon.com"],
    ["the host only in the path", "https://evil.example/console.aws.amazon.com"],
    ["a protocol-relative URL", "//console.aws.amazon.com/"],
    ["a missing scheme slash", "https:console.aws.amazon.com/"],
    ["a backslash authority trick", "https://console.aws.amazon.com\\@evil.example/"],
    ["a trailing dot host", "https://console.aws.amazon.com./"],
    ["a percent-encoded host", "https://console%2Eaws.amazon.com/"],
    ["leading whitespace", " https://console.aws.amazon.com/"],
    ["an embedded tab", "https://console.aws.\tamazon.com/"],
    ["a non-region subdomain", "https://evil.console.aws.amazon.com/"],
    ["a GovCloud region on the commercial host", "https://us-gov-west-1.console.aws.amazon.com/"],
    ["a nested subdomain", "https://a.us-east-1.console.aws.amazon.com/"],
    ["the sign-in host", "https://signin.aws.amazon.com/"],
    ["an IDN look-alike", "https://cοnsole.aws.amazon.com/"],
    ["an empty string", ""],
    ["garbage", "not a url"],
  ])("rejects %s", (_rule, url) => {
    expect(isAllowedConsoleDestination(url)).toBe(false);
  });
});

describe("getSigninTokenUrl", () => {
  it("builds Action=getSigninToken with the Session JSON, round-tripping secrets with + / =", () => {
    const url = getSigninTokenUrl(FEDERATION, creds, 3600);
    expect(url.origin + url.pathname).toBe(FEDERATION);
    expect([...url.searchParams.keys()]).toEqual(["Action", "SessionDuration", "Session"]);
    expect(url.searchParams.get("Action")).toBe("getSigninToken");
    expect(url.searchParams.get("SessionDuration")).toBe("3600");
    expect(JSON.parse(url.searchParams.get("Session") ?? "")).toStrictEqual({
      sessionId: creds.accessKeyId,
      sessionKey: creds.secretAccessKey,
      sessionToken: creds.sessionToken,
    });
    // A literal "+" in a query means a space to the server; the secret's "+" must travel as %2B.
    const rawSession = /[?&]Session=([^&]*)/.exec(url.search)?.[1] ?? "";
    expect(rawSession).not.toMatch(/[+/=]/);
    expect(rawSession).toContain("%2B");
    expect(rawSession).toContain("%2F");
    expect(rawSession).toContain("%3D");
    expect(new URLSearchParams(url.search).get("Session")).toContain(creds.secretAccessKey);
  });

  it("omits SessionDuration when none is given", () => {
    const url = getSigninTokenUrl(FEDERATION, creds);
    expect(url.searchParams.has("SessionDuration")).toBe(false);
  });

  it.each([900, 43_200, 12 * 3600])("accepts SessionDuration %i", (seconds) => {
    expect(getSigninTokenUrl(FEDERATION, creds, seconds).searchParams.get("SessionDuration")).toBe(
      String(seconds),
    );
  });

  it.each([0, 899, 43_201, 1800.5, Number.NaN, Number.POSITIVE_INFINITY, -900])(
    "rejects SessionDuration %s with RangeError",
    (seconds) => {
      expect(() => getSigninTokenUrl(FEDERATION, creds, seconds)).toThrow(RangeError);
    },
  );

  it("accepts a regional endpoint and an http loopback stand-in", () => {
    expect(
      getSigninTokenUrl("https://eu-west-1.signin.aws.amazon.com/federation", creds).host,
    ).toBe("eu-west-1.signin.aws.amazon.com");
    expect(getSigninTokenUrl("http://127.0.0.1:4599/federation", creds).host).toBe(
      "127.0.0.1:4599",
    );
  });

  it.each([
    ["plain http to a remote host", "http://signin.aws.amazon.com/federation"],
    ["an endpoint with its own query", "https://signin.aws.amazon.com/federation?Action=x"],
    ["an endpoint with user info", "https://u:p@signin.aws.amazon.com/federation"],
    ["not a URL", "signin.aws.amazon.com/federation"],
  ])("rejects %s as a misconfiguration (TypeError)", (_rule, endpoint) => {
    expect(() => getSigninTokenUrl(endpoint, creds)).toThrow(TypeError);
  });

  it("rejects empty credentials", () => {
    expect(() => getSigninTokenUrl(FEDERATION, { ...creds, sessionToken: "" })).toThrow(TypeError);
  });
});

describe("federationLoginUrl", () => {
  const destination = "https://eu-west-1.console.aws.amazon.com/ec2/home?region=eu-west-1";
  const opts = {
    issuer: "https://gatehouse.example.com/",
    destination,
    signinToken: "tok+en/with=chars",
  };

  it("builds Action=login with Issuer, Destination and SigninToken, all encoded", () => {
    const url = federationLoginUrl(FEDERATION, opts);
    expect(url.origin + url.pathname).toBe(FEDERATION);
    expect([...url.searchParams.entries()]).toEqual([
      ["Action", "login"],
      ["Issuer", opts.issuer],
      ["Destination", destination],
      ["SigninToken", opts.signinToken],
    ]);
    expect(url.search).toContain(
      "Destination=https%3A%2F%2Feu-west-1.console.aws.amazon.com%2Fec2%2Fhome%3Fregion%3Deu-west-1",
    );
    expect(url.search).toContain("SigninToken=tok%2Ben%2Fwith%3Dchars");
  });

  it("passes the destination on in normalized form", () => {
    const url = federationLoginUrl(FEDERATION, {
      ...opts,
      destination: "https://CONSOLE.aws.amazon.com",
    });
    expect(url.searchParams.get("Destination")).toBe("https://console.aws.amazon.com/");
  });

  it.each([
    "https://console.aws.amazon.com.evil.example/",
    "http://console.aws.amazon.com/",
    "https://user@console.aws.amazon.com/",
    "https://console.aws.amazon.com:444/",
    "javascript:alert(1)",
    "https://evil.example/?x=console.aws.amazon.com",
  ])("throws ConsoleDestinationNotAllowedError for %s", (bad) => {
    expect(() => federationLoginUrl(FEDERATION, { ...opts, destination: bad })).toThrow(
      ConsoleDestinationNotAllowedError,
    );
  });

  it.each([
    ["a non-http issuer", { issuer: "javascript:alert(1)" }],
    ["an empty sign-in token", { signinToken: "" }],
  ])("throws TypeError for %s", (_rule, override) => {
    expect(() => federationLoginUrl(FEDERATION, { ...opts, ...override })).toThrow(TypeError);
  });
});

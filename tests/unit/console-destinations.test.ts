import { readFileSync } from "node:fs";
import path from "node:path";

import { describe, expect, it } from "vitest";

import { CONSOLE_HOSTS } from "@/lib/aws/console-hosts";
import { CONSOLE_SERVICES } from "@/lib/aws/console-services";
import {
  MAX_DESTINATION_LENGTH,
  acceptedDestinationsHint,
  consoleDestination,
  refusedDestinationMessage,
} from "@/lib/aws/console-destinations";
import { isAllowedConsoleDestination } from "@/lib/aws/console-urls";
import { partitionOf } from "@/lib/aws/partitions";

/** Accepted: returns the URL after proving it passes the federation allowlist. */
function accepted(regionOrPartition: string, destination?: string): string {
  const result = consoleDestination(regionOrPartition, destination);
  if (!result.ok) throw new Error(`refused: ${result.message}`);
  expect(isAllowedConsoleDestination(result.url)).toBe(true);
  return result.url;
}

function refusal(regionOrPartition: string, destination?: string): string {
  const result = consoleDestination(regionOrPartition, destination);
  if (result.ok) throw new Error(`accepted: ${result.url}`);
  return result.message;
}

const hostOf = (region: string) =>
  partitionOf(region) === "aws"
    ? `${region}.console.aws.amazon.com`
    : CONSOLE_HOSTS[partitionOf(region)];

describe("consoleDestination: every partition and region lands on its own console host", () => {
  const regions = [
    "us-east-1",
    "eu-west-1",
    "ap-southeast-2",
    "mx-central-1",
    "us-gov-west-1",
    "us-gov-east-1",
    "cn-north-1",
    "cn-northwest-1",
  ];

  it.each(regions)("%s: console home", (region) => {
    expect(accepted(region)).toBe(`https://${hostOf(region)}/console/home?region=${region}`);
    expect(accepted(region, "")).toBe(`https://${hostOf(region)}/console/home?region=${region}`);
  });

  it.each(regions)("%s: a service id", (region) => {
    expect(accepted(region, "ec2")).toBe(`https://${hostOf(region)}/ec2/home?region=${region}`);
    expect(accepted(region, "route53")).toBe(
      `https://${hostOf(region)}/route53/v2/home?region=${region}`,
    );
  });

  it.each(regions)("%s: a console path keeps its fragment after the added region", (region) => {
    expect(accepted(region, "/cloudwatch/home#dashboards:")).toBe(
      `https://${hostOf(region)}/cloudwatch/home?region=${region}#dashboards:`,
    );
  });

  it.each(regions)(
    "%s: a full console URL of the partition is rebuilt on the region's host",
    (region) => {
      const partitionHost = CONSOLE_HOSTS[partitionOf(region)];
      expect(accepted(region, `https://${partitionHost}/lambda/home#/functions`)).toBe(
        `https://${hostOf(region)}/lambda/home?region=${region}#/functions`,
      );
    },
  );

  // What a GovCloud or China console tab's address bar shows, pasted as it is.
  it.each([
    [
      "us-gov-west-1",
      "https://us-gov-west-1.console.amazonaws-us-gov.com/ec2/home?region=us-gov-west-1#Instances:",
      "https://console.amazonaws-us-gov.com/ec2/home?region=us-gov-west-1#Instances:",
    ],
    [
      "us-gov-west-1",
      "https://us-gov-east-1.console.amazonaws-us-gov.com/iam/home",
      "https://console.amazonaws-us-gov.com/iam/home?region=us-gov-east-1",
    ],
    [
      "cn-northwest-1",
      "https://cn-northwest-1.console.amazonaws.cn/cloudformation/home?region=cn-northwest-1",
      "https://console.amazonaws.cn/cloudformation/home?region=cn-northwest-1",
    ],
  ])(
    "%s: a console URL copied from the partition's regional console host (%s) is accepted",
    (region, pasted, url) => {
      expect(accepted(region, pasted)).toBe(url);
      expect(isAllowedConsoleDestination(pasted)).toBe(true);
    },
  );

  it.each([
    ["us-gov-west-1", "https://eu-west-1.console.amazonaws-us-gov.com/ec2/home"],
    ["cn-north-1", "https://us-east-1.console.amazonaws.cn/ec2/home"],
    ["eu-west-1", "https://us-gov-west-1.console.aws.amazon.com/ec2/home"],
    ["eu-west-1", "https://cn-north-1.console.aws.amazon.com/ec2/home"],
  ])(
    "%s: a regional console host naming another partition's region (%s) is no console host",
    (region, destination) => {
      expect(refusal(region, destination)).toMatch(/is not an AWS console host/);
      expect(isAllowedConsoleDestination(destination)).toBe(false);
    },
  );

  it.each([
    ["aws", "https://console.aws.amazon.com/console/home"],
    ["aws-us-gov", "https://console.amazonaws-us-gov.com/console/home"],
    ["aws-cn", "https://console.amazonaws.cn/console/home"],
  ])("partition %s without a region: the partition host, no region parameter", (p, url) => {
    expect(accepted(p)).toBe(url);
  });
});

describe("consoleDestination: paths and URLs", () => {
  it.each([
    [
      "a path with its own region opens there, on that region's host",
      "eu-west-1",
      "/ec2/home?region=eu-central-1#Instances:",
      "https://eu-central-1.console.aws.amazon.com/ec2/home?region=eu-central-1#Instances:",
    ],
    [
      "a path with a query gets the region appended",
      "eu-west-1",
      "/ec2/home?tab=x#Instances:",
      "https://eu-west-1.console.aws.amazon.com/ec2/home?tab=x&region=eu-west-1#Instances:",
    ],
    [
      "a URL on another commercial region's host stays in its region",
      "eu-west-1",
      "https://us-east-1.console.aws.amazon.com/ec2/home?region=us-east-1#Instances:",
      "https://us-east-1.console.aws.amazon.com/ec2/home?region=us-east-1#Instances:",
    ],
    [
      "an upper-case host is accepted",
      "eu-west-1",
      "https://CONSOLE.AWS.AMAZON.COM/s3/home",
      "https://eu-west-1.console.aws.amazon.com/s3/home?region=eu-west-1",
    ],
    [
      "the S3 console host is rebuilt on the regional host",
      "eu-west-1",
      "https://s3.console.aws.amazon.com/s3/buckets/my-bucket?region=eu-west-1&tab=objects",
      "https://eu-west-1.console.aws.amazon.com/s3/buckets/my-bucket?region=eu-west-1&tab=objects",
    ],
    [
      "a host with nothing after it opens the console root",
      "ap-southeast-2",
      "https://console.aws.amazon.com",
      "https://ap-southeast-2.console.aws.amazon.com/?region=ap-southeast-2",
    ],
    [
      "an IAM fragment with @ in a user name is carried",
      "us-east-1",
      "/iam/home#/users/details/alice@example.com",
      "https://us-east-1.console.aws.amazon.com/iam/home?region=us-east-1#/users/details/alice@example.com",
    ],
    [
      "a CloudWatch Logs fragment with $-escapes is carried verbatim",
      "us-east-1",
      "/cloudwatch/home#logsV2:log-groups/log-group/$252Faws$252Flambda$252Ffn",
      "https://us-east-1.console.aws.amazon.com/cloudwatch/home?region=us-east-1#logsV2:log-groups/log-group/$252Faws$252Flambda$252Ffn",
    ],
    [
      "service ids are case-insensitive",
      "us-east-1",
      "EC2",
      "https://us-east-1.console.aws.amazon.com/ec2/home?region=us-east-1",
    ],
    [
      "a service with a fragment gets the region before the fragment",
      "us-east-1",
      "cost-explorer",
      "https://us-east-1.console.aws.amazon.com/costmanagement/home?region=us-east-1#/cost-explorer",
    ],
    [
      "a GovCloud path with the other GovCloud region keeps it",
      "us-gov-west-1",
      "/ec2/home?region=us-gov-east-1",
      "https://console.amazonaws-us-gov.com/ec2/home?region=us-gov-east-1",
    ],
  ])("%s", (_rule, region, destination, expected) => {
    expect(accepted(region, destination)).toBe(expected);
  });

  it("every listed service resolves in every partition, on the partition's host", () => {
    for (const region of ["eu-west-1", "us-gov-west-1", "cn-north-1"]) {
      for (const service of CONSOLE_SERVICES) {
        const url = new URL(accepted(region, service.id));
        expect(url.host).toBe(hostOf(region));
        expect(`${url.pathname.slice(1)}${url.hash}`).toBe(service.path);
        expect(url.searchParams.get("region")).toBe(region);
      }
    }
  });

  it("lists about 30 services with unique ids, real paths and the global ones marked", () => {
    const ids = CONSOLE_SERVICES.map((s) => s.id);
    expect(CONSOLE_SERVICES.length).toBeGreaterThanOrEqual(30);
    expect(new Set(ids).size).toBe(ids.length);
    for (const s of CONSOLE_SERVICES) {
      expect(s.id).toMatch(/^[a-z0-9]+(?:-[a-z0-9]+)*$/);
      expect(s.path).toMatch(/^[a-z0-9-]+(?:\/[a-z0-9-]+)*(?:#\S+)?$/);
      expect(s.name.length).toBeGreaterThan(0);
    }
    const globals = CONSOLE_SERVICES.filter((s) => s.global).map((s) => s.id);
    expect(globals).toEqual(
      expect.arrayContaining([
        "iam",
        "route53",
        "billing",
        "organizations",
        "support",
        "cost-explorer",
      ]),
    );
    expect(CONSOLE_SERVICES.find((s) => s.id === "ec2")?.global).toBe(false);
  });

  it("is idempotent: a returned URL fed back in comes back unchanged", () => {
    const inputs: Array<[string, string | undefined]> = [
      ["eu-west-1", undefined],
      ["eu-west-1", "s3"],
      ["eu-west-1", "/ec2/home?tab=a%20b&x=%7B%7D#Instances:instanceState=running"],
      ["us-east-1", "/iam/home#/users/details/alice@example.com"],
      ["us-gov-east-1", "cloudtrail"],
      ["cn-northwest-1", "/cloudwatch/home#dashboards:name=a|b"],
      ["aws", "https://console.aws.amazon.com/ec2/home?region=eu-west-1"],
      ["eu-west-1", '/x/"quoted"/<y>?q=`z`#{frag}'],
    ];
    for (const [region, destination] of inputs) {
      const once = accepted(region, destination);
      expect(accepted(region, once)).toBe(once);
    }
  });
});

describe("consoleDestination refuses what could leave the console or mean something else", () => {
  it.each([
    ["another host", "https://evil.example/", /not an AWS console host/],
    [
      "a look-alike suffix",
      "https://console.aws.amazon.com.evil.example/",
      /not an AWS console host/,
    ],
    ["a trailing-dot host", "https://console.aws.amazon.com./", /not an AWS console host/],
    ["a non-region subdomain", "https://evil.console.aws.amazon.com/", /not an AWS console host/],
    [
      "a nested subdomain",
      "https://a.us-east-1.console.aws.amazon.com/",
      /not an AWS console host/,
    ],
    ["the sign-in host", "https://signin.aws.amazon.com/federation", /not an AWS console host/],
    ["a scheme-relative URL", "//evil.example/", /scheme-relative/],
    ["a scheme-relative console URL", "//console.aws.amazon.com/", /scheme-relative/],
    ["javascript:", "javascript:alert(1)", /'javascript:' URLs are not allowed/],
    ["JavaScript: in mixed case", "JaVaScRiPt:alert(1)", /URLs are not allowed/],
    ["data:", "data:text/html,<script>alert(1)</script>", /'data:' URLs are not allowed/],
    ["plain http", "http://console.aws.amazon.com/", /'http:' URLs are not allowed/],
    ["https without slashes", "https:console.aws.amazon.com/", /must start with https:\/\//],
    ["a backslash authority trick", "https://console.aws.amazon.com\\@evil.example/", /backslash/],
    ["a backslash in a path", "/\\evil.example/", /backslash/],
    ["user info", "https://user@console.aws.amazon.com/", /user info/],
    ["user info before an evil host", "https://console.aws.amazon.com@evil.example/", /user info/],
    ["a port", "https://console.aws.amazon.com:444/", /port/],
    ["the default port spelled out", "https://console.aws.amazon.com:443/", /port/],
    ["a percent-encoded host", "https://console%2Eaws.amazon.com/", /percent-encoded host/],
    ["an empty host", "https:///ec2/home", /no host/],
    ["a leading space", " /ec2/home", /whitespace or a control character at position 1/],
    ["an embedded tab", "/ec2/\thome", /whitespace or a control character at position 6/],
    ["a newline", "/ec2/home\nx", /whitespace or a control character/],
    ["a NUL", "/ec2/home\0", /control character/],
    ["a DEL", "/ec2/home\x7f", /control character/],
    ["a C1 control", "/ec2/home\u0085", /control character/],
    ["a no-break space", "/ec2/home\u00a0", /whitespace/],
    [
      "an IDN look-alike host",
      "https://cοnsole.aws.amazon.com/",
      /non-ASCII character at position 10/,
    ],
    ["a bidi override", "/ec2/\u202ehome", /non-ASCII/],
    ["a '..' segment", "/ec2/../iam/home", /'\.' or '\.\.' segments/],
    ["a trailing '..'", "/ec2/..", /segments/],
    ["a '.' segment", "/./ec2/home", /segments/],
    ["an encoded '..' segment", "/ec2/%2e%2E/iam", /segments/],
    ["a half-encoded '..' segment", "/ec2/.%2e/iam", /segments/],
    ["'..' in a full URL", "https://console.aws.amazon.com/a/../b", /segments/],
    [
      "an over-long destination",
      `/ec2/home#${"x".repeat(MAX_DESTINATION_LENGTH)}`,
      /longer than 2048/,
    ],
    ["an unknown service id", "ec3", /unknown service 'ec3' \(the services are ec2, s3, .*\)/],
    ["a path without its leading slash", "ec2/home", /unknown service 'ec2\/home'/],
    [
      "a GovCloud URL for a commercial region",
      "https://console.amazonaws-us-gov.com/ec2/home",
      /aws-us-gov partition, but the chosen region is in aws/,
    ],
    ["a China URL for a commercial region", "https://console.amazonaws.cn/", /aws-cn partition/],
    [
      "a GovCloud region on the commercial host",
      "https://us-gov-west-1.console.aws.amazon.com/",
      /not an AWS console host/,
    ],
    [
      "a region parameter of another partition",
      "/ec2/home?region=cn-north-1",
      /region 'cn-north-1' is not a region of the aws partition/,
    ],
    ["a region parameter that is not a region", "/ec2/home?region=evil.example", /not a region/],
    [
      "two region parameters",
      "/ec2/home?region=eu-west-1&region=us-east-1",
      /more than one region/,
    ],
  ])("%s", (_rule, destination, message) => {
    expect(refusal("eu-west-1", destination)).toMatch(message);
  });

  it("refuses a commercial console URL for a GovCloud or China region", () => {
    expect(refusal("us-gov-west-1", "https://eu-west-1.console.aws.amazon.com/ec2/home")).toMatch(
      /aws partition, but the chosen region is in aws-us-gov/,
    );
    expect(refusal("cn-north-1", "https://console.aws.amazon.com/")).toMatch(/in aws-cn/);
  });

  it.each([
    ["an unknown region", "eu-middle-1"],
    ["a region with a host in it", "us-east-1.evil.example"],
    ["an empty region", ""],
    ["an ISO partition", "aws-iso"],
  ])("refuses %s as the target", (_rule, target) => {
    expect(refusal(target, "ec2")).toMatch(/not an AWS region code/);
  });

  it("never echoes more than a bounded, printable preview of the input", () => {
    const message = refusal("eu-west-1", `bogus${"y".repeat(500)}`);
    expect(message.length).toBeLessThan(1000);
    expect(message).toContain("...");
  });
});

describe("client safety", () => {
  /** Follows relative and `@/` imports from `file`, collecting every module specifier it reaches. */
  function importGraph(file: string, seen = new Map<string, string[]>()): Map<string, string[]> {
    if (seen.has(file)) return seen;
    const source = readFileSync(file, "utf8");
    const specifiers = [
      ...source.matchAll(/^\s*(?:import|export)\b[^;]*?from\s+"([^"]+)"|^\s*import\s+"([^"]+)"/gm),
    ].map((m) => m[1] ?? m[2] ?? "");
    seen.set(file, specifiers);
    for (const spec of specifiers) {
      const local = spec.startsWith("@/")
        ? path.join(process.cwd(), spec.slice(2))
        : spec.startsWith(".")
          ? path.join(path.dirname(file), spec)
          : undefined;
      if (local !== undefined) importGraph(`${local}.ts`, seen);
    }
    return seen;
  }

  it.each([
    "lib/aws/console-destinations.ts",
    "lib/aws/session-duration.ts",
    "lib/access/deep-link.ts",
    "lib/aws/regions.ts",
    "lib/aws/profile-name.ts",
  ])("%s imports neither server-only nor node: modules, directly or indirectly", (file) => {
    const graph = importGraph(path.join(process.cwd(), file));
    const specifiers = [...graph.values()].flat();
    expect(specifiers.filter((s) => s === "server-only" || s.startsWith("node:"))).toEqual([]);
    expect([...graph.keys()].length).toBeGreaterThanOrEqual(1);
  });
});

describe("a console destination never carries a redirect target (the console's logout would follow it)", () => {
  it.each([
    [
      "the console's logout with redirectUrl",
      "/console/logout!doLogout?redirectUrl=https://evil.example/",
    ],
    ["a next= parameter", "/ec2/home?next=//evil.example"],
    ["a percent-encoded URL in any parameter", "/s3/buckets?x=https%3A%2F%2Fevil.example"],
    [
      "a returnTo inside the console's # route",
      "/cloudwatch/home#/dashboards?returnTo=https://evil.example",
    ],
    ["a RelayState", "/ec2/home?RelayState=anything"],
  ])("%s is refused", (_case, destination) => {
    const result = consoleDestination("eu-west-1", destination);
    expect(result.ok).toBe(false);
    if (!result.ok) expect(result.message).toMatch(/redirect target/);
  });

  it.each([
    "/ec2/home#Instances:instanceState=running",
    "/cloudwatch/home#alarmsV2:",
    "/s3/buckets?region=eu-west-1",
  ])("%s is still accepted", (destination) => {
    expect(consoleDestination("eu-west-1", destination).ok).toBe(true);
  });
});

describe("a refused destination is told what is accepted, on the console host of its partition", () => {
  it.each([
    ["eu-west-1", "console.aws.amazon.com or <region>.console.aws.amazon.com"],
    ["aws", "console.aws.amazon.com or <region>.console.aws.amazon.com"],
    ["us-gov-west-1", "console.amazonaws-us-gov.com or <region>.console.amazonaws-us-gov.com"],
    ["aws-us-gov", "console.amazonaws-us-gov.com or <region>.console.amazonaws-us-gov.com"],
    ["cn-north-1", "console.amazonaws.cn or <region>.console.amazonaws.cn"],
  ])("%s: https:// URLs on %s", (regionOrPartition, host) => {
    const problem = refusal(regionOrPartition, "https://evil.example/");
    const message = refusedDestinationMessage(regionOrPartition, problem);
    expect(message).toBe(
      `This console destination is not allowed: 'evil.example' is not an AWS console host. ${acceptedDestinationsHint(regionOrPartition)}`,
    );
    expect(acceptedDestinationsHint(regionOrPartition)).toBe(
      `Accepted: a service such as ec2 or s3, a console path starting with / (like /ec2/home#Instances:), or an https:// URL on ${host}; leave it empty for the console home.`,
    );
  });
});

describe("the destination's own region is where the console opens, and is the region answered", () => {
  it.each([
    // [chosen, destination, region the console opens in, URL]
    [
      "eu-central-1",
      "https://us-east-1.console.aws.amazon.com/ec2/home?region=us-east-1#Instances:",
      "us-east-1",
      "https://us-east-1.console.aws.amazon.com/ec2/home?region=us-east-1#Instances:",
    ],
    [
      "eu-central-1",
      "https://console.aws.amazon.com/lambda/home?region=us-east-1#/functions",
      "us-east-1",
      "https://us-east-1.console.aws.amazon.com/lambda/home?region=us-east-1#/functions",
    ],
    [
      "eu-central-1",
      "https://us-east-1.console.aws.amazon.com/ec2/home#Instances:",
      "us-east-1",
      "https://us-east-1.console.aws.amazon.com/ec2/home?region=us-east-1#Instances:",
    ],
    [
      // A global service's page is homed in us-east-1 and carries the region the user was in.
      "eu-central-1",
      "https://us-east-1.console.aws.amazon.com/iam/home?region=ap-south-1#/roles",
      "ap-south-1",
      "https://ap-south-1.console.aws.amazon.com/iam/home?region=ap-south-1#/roles",
    ],
    [
      "us-gov-west-1",
      "/ec2/home?region=us-gov-east-1",
      "us-gov-east-1",
      "https://console.amazonaws-us-gov.com/ec2/home?region=us-gov-east-1",
    ],
    [
      "cn-north-1",
      "https://cn-northwest-1.console.amazonaws.cn/ec2/home",
      "cn-northwest-1",
      "https://console.amazonaws.cn/ec2/home?region=cn-northwest-1",
    ],
    [
      "eu-central-1",
      "ec2",
      "eu-central-1",
      "https://eu-central-1.console.aws.amazon.com/ec2/home?region=eu-central-1",
    ],
    [
      "aws",
      "/s3/home?region=eu-west-2",
      "eu-west-2",
      "https://eu-west-2.console.aws.amazon.com/s3/home?region=eu-west-2",
    ],
  ])("chosen %s, destination %s: opens in %s", (chosen, destination, region, url) => {
    const result = consoleDestination(chosen, destination);
    expect(result).toEqual({ ok: true, url, region });
    // The host and the region parameter agree: the console cannot open anywhere else.
    const parsed = new URL(url);
    expect(parsed.searchParams.get("region")).toBe(region);
    expect(parsed.host).toBe(hostOf(region));
  });

  it.each([
    [
      "eu-central-1",
      "/ec2/home?region=eu-west-9",
      /the destination's region 'eu-west-9' names no region/,
    ],
    ["eu-central-1", "/ec2/home?region=us-gov-west-1", /is not a region of the aws partition/],
    [
      "eu-central-1",
      "https://eu-west-9.console.aws.amazon.com/ec2/home",
      /the console host's region 'eu-west-9' names no region/,
    ],
    ["eu-central-1", "/ec2/home?region=us-east-1&region=eu-west-1", /more than one region/],
  ])("chosen %s, destination %s: refused", (chosen, destination, message) => {
    expect(refusal(chosen, destination)).toMatch(message);
  });
});

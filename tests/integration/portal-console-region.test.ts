// Where the console opens is what the portal answers and audits: a destination naming its own
// region (a pasted console URL, a path with `region=`) opens there, so that region — not the one
// chosen in the picker — is in the response, the `console.authorized` and `console.issued` audit
// records, and on the console page the AWS stand-in lands on (docs/AWS.md "Console sign-in").
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import {
  auditRowsFor,
  expectApiError,
  parseDetails,
  withoutAwsCalls,
} from "../support/portal-assertions";
import { roleIdOf, signIn, type PortalSession } from "../support/portal-client";
import { DEMO_DEFAULT_REGION } from "@/dev/demo-world";
import { startTestStack, type TestStack } from "../support/stack";

interface ConsoleBody {
  signinUrl: string;
  region: string;
  destinationUrl: string;
}

function landingField(html: string, testId: string): string | undefined {
  return new RegExp(`data-testid="${testId}">([^<]*)<`).exec(html)?.[1];
}

describe("the region the console opens in is the region answered and audited", () => {
  let stack: TestStack;
  let bob: PortalSession;
  let staging: string;

  beforeAll(async () => {
    stack = await startTestStack();
    bob = await signIn(stack, "bob");
    staging = await roleIdOf(stack, "acme-staging", "Developer");
  });
  afterAll(async () => {
    await stack?.stop();
  });

  const OPENS_IN: Array<{
    form: string;
    region?: string;
    destination: string;
    opensIn: string;
    requested?: string;
  }> = [
    {
      form: "a pasted URL whose region parameter names another region",
      region: "eu-central-1",
      destination: "https://us-east-1.console.aws.amazon.com/ec2/home?region=us-east-1#Instances:",
      opensIn: "us-east-1",
      requested: "eu-central-1",
    },
    {
      form: "a URL on the partition's host with a region parameter",
      region: "eu-central-1",
      destination: "https://console.aws.amazon.com/lambda/home?region=us-east-1#/functions",
      opensIn: "us-east-1",
      requested: "eu-central-1",
    },
    {
      form: "a URL on another region's console host, with no region parameter",
      region: "eu-central-1",
      destination: "https://us-west-2.console.aws.amazon.com/ec2/home#Instances:",
      opensIn: "us-west-2",
      requested: "eu-central-1",
    },
    {
      form: "a console path with a region parameter",
      region: "eu-central-1",
      destination: "/cloudwatch/home?region=ap-south-1#alarmsV2:",
      opensIn: "ap-south-1",
      requested: "eu-central-1",
    },
    {
      form: "a destination naming no region",
      region: "eu-central-1",
      destination: "ec2",
      opensIn: "eu-central-1",
    },
    {
      form: "a destination naming the chosen region",
      region: "eu-central-1",
      destination: "https://eu-central-1.console.aws.amazon.com/s3/buckets?region=eu-central-1",
      opensIn: "eu-central-1",
    },
    {
      form: "a URL with its own region and no region chosen (the default)",
      destination: "https://sa-east-1.console.aws.amazon.com/rds/home?region=sa-east-1",
      opensIn: "sa-east-1",
      requested: DEMO_DEFAULT_REGION,
    },
  ];

  it.each(OPENS_IN)(
    "$form: opens in $opensIn",
    async ({ region, destination, opensIn, requested }) => {
      const res = await bob.request(`/api/roles/${staging}/console`, {
        method: "POST",
        json: { ...(region !== undefined ? { region } : {}), destination },
      });
      const text = await res.text();
      expect(res.status, text.slice(0, 300)).toBe(200);
      const body = JSON.parse(text) as ConsoleBody;
      expect(body.region).toBe(opensIn);
      expect(new URL(body.destinationUrl).searchParams.get("region")).toBe(opensIn);

      const rows = await auditRowsFor(stack, res.headers.get("x-request-id"));
      expect(rows.map((r) => r.action)).toEqual(["console.authorized", "console.issued"]);
      for (const row of rows)
        expect(parseDetails(row.detailsJson)).toMatchObject({ region: opensIn });
      const issued = parseDetails(rows[1]!.detailsJson);
      expect(issued.destination).toBe(body.destinationUrl);
      // The auditor also sees what was chosen when the destination overrode it.
      if (requested !== undefined && requested !== opensIn)
        expect(issued.requestedRegion).toBe(requested);
      else expect(issued).not.toHaveProperty("requestedRegion");

      // The AWS stand-in opens the console where the Destination says, as AWS does.
      const html = await (await fetch(body.signinUrl)).text();
      expect(landingField(html, "console-region")).toBe(opensIn);
      expect(landingField(html, "console-destination")).toBe(body.destinationUrl);
    },
  );

  const REFUSED: Array<{ rule: string; destination: string; problem: RegExp }> = [
    {
      rule: "a region parameter naming no region",
      destination: "https://eu-west-9.console.aws.amazon.com/ec2/home?region=eu-west-9",
      problem: /'eu-west-9'/,
    },
    {
      rule: "a region parameter naming no region, on a real region's host",
      destination: "/ec2/home?region=eu-west-9",
      problem: /the destination's region 'eu-west-9' names no region/,
    },
    {
      rule: "a console host of a region that does not exist",
      destination: "https://eu-west-9.console.aws.amazon.com/ec2/home",
      problem: /the console host's region 'eu-west-9' names no region/,
    },
    {
      rule: "a region parameter of another partition",
      destination: "/ec2/home?region=us-gov-west-1",
      problem: /'us-gov-west-1' is not a region of the aws partition/,
    },
    {
      rule: "two region parameters",
      destination: "/ec2/home?region=us-east-1&region=eu-west-1",
      problem: /more than one region/,
    },
  ];

  it.each(REFUSED)(
    "$rule is refused before anything is assumed",
    async ({ destination, problem }) => {
      const res = await withoutAwsCalls(stack, () =>
        bob.request(`/api/roles/${staging}/console`, {
          method: "POST",
          json: { region: "eu-central-1", destination },
        }),
      );
      const body = await expectApiError(res, 400, "validation_error");
      const issues = (body.error.issues ?? []) as Array<{ path: string; message: string }>;
      expect(issues.find((i) => i.path === "destination")?.message).toMatch(problem);
      expect(await auditRowsFor(stack, res.headers.get("x-request-id"))).toEqual([]);
    },
  );
});

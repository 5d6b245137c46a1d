/**
 * Every STS endpoint of the stand-in serves one region and, like AWS's regional endpoints, refuses
 * a SigV4 credential scoped to any other — observed through the real @aws-sdk/client-sts. A Host
 * header that is an AWS STS host name pins the region the way AWS's own host names do.
 */
import { AssumeRoleCommand, GetCallerIdentityCommand } from "@aws-sdk/client-sts";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import {
  startAwsStandin,
  type AwsStandin,
  type AwsStandinOptions,
  type StsCallRecord,
} from "@/dev/aws-standin/server";
import {
  brokerFor,
  multiPartitionWorld,
  rawStsRequest,
  roleArnOf,
  stsClient,
  stsFailure,
  testBroker,
  testWorld,
} from "@/tests/support/aws-standin";

const CALLER_IDENTITY = "Action=GetCallerIdentity&Version=2011-06-15";
const NAMES = ["us-west-2", "eu-central-1", "sts-proxy", "us-gov-west-1"];
let standin: AwsStandin;

beforeAll(async () => {
  standin = await startAwsStandin({
    world: multiPartitionWorld(),
    stsEndpointNames: NAMES,
    stsEndpointRegions: { "sts-proxy": "ap-southeast-2" },
  });
});
afterAll(async () => {
  await standin.close();
});

async function calls(target: AwsStandin = standin): Promise<StsCallRecord[]> {
  return (await (await fetch(`${target.url}/__standin/calls`)).json()) as StsCallRecord[];
}

async function resetCalls(target: AwsStandin = standin): Promise<void> {
  await fetch(`${target.url}/__standin/reset-calls`, { method: "POST" });
}

const scopeMessage = (region: string) =>
  `Credential should be scoped to a valid region, not '${region}'. `;

describe("every STS endpoint serves one region", () => {
  it("takes its name when that is a region code, else stsEndpointRegions, else defaultRegion", () => {
    expect(standin.stsEndpointRegions).toEqual({
      default: "us-east-1",
      "us-west-2": "us-west-2",
      "eu-central-1": "eu-central-1",
      "sts-proxy": "ap-southeast-2",
      "us-gov-west-1": "us-gov-west-1",
    });
  });

  it("writes each endpoint as the portal's <region>=<url> setting, without a trailing slash", () => {
    expect(standin.stsEndpointSetting()).toBe(
      `us-east-1=${standin.stsEndpoint.replace(/\/$/, "")}`,
    );
    const proxy = standin.stsEndpointSetting("sts-proxy");
    expect(proxy).toBe(`ap-southeast-2=${standin.stsEndpoints["sts-proxy"]?.replace(/\/$/, "")}`);
    expect(proxy).toMatch(/^ap-southeast-2=http:\/\/127\.0\.0\.1:\d+$/);
    expect(() => standin.stsEndpointSetting("nowhere")).toThrow(TypeError);
  });

  it("gives defaultRegion to the default endpoint and to every name that is no region code", async () => {
    const other = await startAwsStandin({
      world: testWorld(),
      stsEndpointNames: ["sts-a", "sts-b", "ap-south-1"],
      stsEndpointRegions: { "sts-b": "eu-north-1" },
      defaultRegion: "eu-west-1",
    });
    try {
      expect(other.stsEndpointRegions).toEqual({
        default: "eu-west-1",
        "sts-a": "eu-west-1",
        "sts-b": "eu-north-1",
        "ap-south-1": "ap-south-1",
      });
      const identity = await stsClient(other, testBroker).send(new GetCallerIdentityCommand({}));
      expect(identity.Arn).toBe(testBroker.arn);
    } finally {
      await other.close();
    }
  });

  it("lets stsEndpointRegions name the default endpoint's region too", async () => {
    const other = await startAwsStandin({
      world: testWorld(),
      stsEndpointRegions: { default: "ca-central-1" },
    });
    try {
      expect(other.stsEndpointSetting()).toMatch(/^ca-central-1=http:/);
    } finally {
      await other.close();
    }
  });

  const refusals: Array<{ rule: string; options: Partial<AwsStandinOptions> }> = [
    { rule: "a defaultRegion that is no region code", options: { defaultRegion: "mars-1" } },
    { rule: "an empty defaultRegion", options: { defaultRegion: "" } },
    {
      rule: "a configured region that is no region code",
      options: { stsEndpointNames: ["sts-a"], stsEndpointRegions: { "sts-a": "US-EAST-1" } },
    },
    {
      rule: "a region for an endpoint that does not exist",
      options: { stsEndpointNames: ["sts-a"], stsEndpointRegions: { "sts-b": "us-east-1" } },
    },
    {
      rule: "another region for an endpoint named like a region",
      options: {
        stsEndpointNames: ["us-west-2"],
        stsEndpointRegions: { "us-west-2": "us-east-1" },
      },
    },
  ];

  it.each(refusals)("refuses $rule at start (TypeError)", async ({ options }) => {
    await expect(startAwsStandin({ world: testWorld(), ...options })).rejects.toThrow(TypeError);
  });
});

describe("a credential scope must name the endpoint's region", () => {
  it.each(["default", ...NAMES])(
    "%s answers an SDK client signing for its region",
    async (endpointName) => {
      const region = standin.stsEndpointRegions[endpointName] ?? "?";
      const keys = brokerFor(region);
      const identity = await stsClient(standin, keys, { endpointName }).send(
        new GetCallerIdentityCommand({}),
      );
      expect(identity.Arn).toContain(":user/");
    },
  );

  const wrongScopes = [
    { endpointName: "default", region: "us-west-2" },
    { endpointName: "us-west-2", region: "us-east-1" },
    { endpointName: "eu-central-1", region: "eu-central-2" },
    // A name that is no region code pins its region all the same.
    { endpointName: "sts-proxy", region: "us-east-1" },
    { endpointName: "us-gov-west-1", region: "us-gov-east-1" },
  ];

  it.each(wrongScopes)(
    "$endpointName refuses a client signing for $region with SignatureDoesNotMatch",
    async ({ endpointName, region }) => {
      const keys = brokerFor(standin.stsEndpointRegions[endpointName] ?? "");
      const failure = await stsFailure(
        stsClient(standin, keys, { endpointName, region }).send(new GetCallerIdentityCommand({})),
      );
      expect(failure).toMatchObject({ name: "SignatureDoesNotMatch", status: 403 });
      expect(failure.message).toBe(scopeMessage(region));
    },
  );

  it("checks the scope of AssumeRole before anything else about the call", async () => {
    const failure = await stsFailure(
      stsClient(standin, testBroker, { endpointName: "us-west-2", region: "us-east-1" }).send(
        new AssumeRoleCommand({ RoleArn: roleArnOf("Developer"), RoleSessionName: "alice" }),
      ),
    );
    expect(failure).toMatchObject({ name: "SignatureDoesNotMatch", status: 403 });
    expect(failure.message).toBe(scopeMessage("us-east-1"));
  });
});

describe("an AWS STS host name pins the region, as at AWS", () => {
  const awsHosts = [
    { kind: "the global endpoint", host: "sts.amazonaws.com", region: "us-east-1" },
    { kind: "a regional endpoint", host: "sts.eu-west-1.amazonaws.com", region: "eu-west-1" },
    { kind: "a host with a port", host: "sts.eu-west-1.amazonaws.com:443", region: "eu-west-1" },
    { kind: "a FIPS endpoint", host: "sts-fips.us-east-2.amazonaws.com", region: "us-east-2" },
    { kind: "a dual-stack endpoint", host: "sts.eu-central-1.api.aws", region: "eu-central-1" },
    { kind: "a FIPS dual-stack endpoint", host: "sts-fips.us-west-1.api.aws", region: "us-west-1" },
    {
      kind: "a GovCloud endpoint",
      host: "sts.us-gov-east-1.amazonaws.com",
      region: "us-gov-east-1",
    },
    {
      kind: "a China endpoint",
      host: "sts.cn-northwest-1.amazonaws.com.cn",
      region: "cn-northwest-1",
    },
    {
      kind: "a China dual-stack endpoint",
      host: "sts.cn-north-1.api.amazonwebservices.com.cn",
      region: "cn-north-1",
    },
    {
      kind: "a VPC interface endpoint",
      host: "vpce-0a1b2c3d4e5f67890-abcdefgh.sts.eu-west-2.vpce.amazonaws.com",
      region: "eu-west-2",
    },
    {
      kind: "a China VPC interface endpoint",
      host: "vpce-0a1b2c3d4e5f67890-abcdefgh.sts.cn-north-1.vpce.amazonaws.com.cn",
      region: "cn-north-1",
    },
  ];

  it.each(awsHosts)("$kind ($host) requires $region", async ({ host, region }) => {
    const keys = brokerFor(region);
    await resetCalls();
    expect(await rawStsRequest(standin, CALLER_IDENTITY, { host, region, keys })).toMatchObject({
      status: 200,
    });
    expect((await calls()).map((c) => [c.endpoint, c.region, c.signingRegion])).toEqual([
      ["default", region, region],
    ]);
    const refused = await rawStsRequest(standin, CALLER_IDENTITY, {
      host,
      region: "ap-south-1",
      keys,
    });
    expect(refused).toMatchObject({ status: 403, code: "SignatureDoesNotMatch" });
    expect(refused.message).toBe(scopeMessage("ap-south-1"));
  });

  const otherHosts = [
    { kind: "a local proxy", host: "sts-proxy.corp.example" },
    { kind: "a China region under the commercial suffix", host: "sts.cn-north-1.amazonaws.com" },
    { kind: "a commercial region under the China suffix", host: "sts.eu-west-1.amazonaws.com.cn" },
    { kind: "a made-up region", host: "sts.mars-1.amazonaws.com" },
    { kind: "an AWS name inside another domain", host: "sts.eu-west-1.amazonaws.com.evil.example" },
  ];

  it.each(otherHosts)("$kind ($host) leaves the endpoint's own region", async ({ host }) => {
    const endpointName = "sts-proxy";
    const signed = (region: string) =>
      rawStsRequest(standin, CALLER_IDENTITY, { endpointName, host, region });
    expect(await signed("ap-southeast-2")).toMatchObject({ status: 200 });
    expect(await signed("eu-west-1")).toMatchObject({ status: 403, code: "SignatureDoesNotMatch" });
  });
});

describe("failover across endpoints of three regions checks each request's scope", () => {
  const REGIONS = { "sts-a": "us-east-1", "sts-b": "us-west-2", "sts-c": "eu-west-1" } as const;
  type Name = keyof typeof REGIONS;
  const ORDER: Name[] = ["sts-a", "sts-b", "sts-c"];
  let fleet: AwsStandin;

  beforeAll(async () => {
    fleet = await startAwsStandin({
      world: testWorld(),
      stsEndpointNames: ORDER,
      stsEndpointRegions: REGIONS,
    });
  });
  afterAll(async () => {
    await fleet.close();
  });

  /**
   * A broker's failover: endpoints in order, moving on after a retryable failure (5xx,
   * throttling), stopping at any other. `signFor` picks the region each request is signed for.
   */
  async function failover(signFor: (name: Name) => string): Promise<{
    answeredBy?: Name;
    lastError?: { name: string; message: string };
  }> {
    let lastError: { name: string; message: string } | undefined;
    for (const name of ORDER) {
      try {
        await stsClient(fleet, testBroker, { endpointName: name, region: signFor(name) }).send(
          new GetCallerIdentityCommand({}),
        );
        return { answeredBy: name };
      } catch (error) {
        const e = error as Error & { $metadata?: { httpStatusCode?: number } };
        lastError = { name: e.name, message: e.message };
        const status = e.$metadata?.httpStatusCode ?? 0;
        if (status < 500 && e.name !== "Throttling") break;
      }
    }
    return { lastError };
  }

  async function log(): Promise<Array<[string, string, string | undefined, string | null]>> {
    return (await calls(fleet)).map((c) => [c.endpoint, c.region, c.signingRegion, c.errorCode]);
  }

  it("a broker signing for each endpoint's own region is answered by the next endpoint", async () => {
    await resetCalls(fleet);
    fleet.setFault("sts-a", { serverError: 503, failFirst: 1 });
    fleet.setFault("sts-b", { throttle: true, failFirst: 1 });
    expect(await failover((name) => REGIONS[name])).toEqual({ answeredBy: "sts-c" });
    expect(await log()).toEqual([
      ["sts-a", "us-east-1", undefined, "ServiceUnavailable"],
      ["sts-b", "us-west-2", undefined, "Throttling"],
      ["sts-c", "eu-west-1", "eu-west-1", null],
    ]);
  });

  it("a broker signing every endpoint for the first one's region is refused where it fails over", async () => {
    await resetCalls(fleet);
    fleet.setFault("sts-a", { serverError: 503, failFirst: 1 });
    expect(await failover(() => "us-east-1")).toEqual({
      lastError: { name: "SignatureDoesNotMatch", message: scopeMessage("us-east-1") },
    });
    expect(await log()).toEqual([
      ["sts-a", "us-east-1", undefined, "ServiceUnavailable"],
      ["sts-b", "us-west-2", "us-east-1", "SignatureDoesNotMatch"],
    ]);
  });

  it.each(ORDER)("%s checks the scope of every request it receives", async (name) => {
    await resetCalls(fleet);
    for (const region of Object.values(REGIONS)) {
      const call = stsClient(fleet, testBroker, { endpointName: name, region }).send(
        new GetCallerIdentityCommand({}),
      );
      if (region === REGIONS[name]) await expect(call).resolves.toBeDefined();
      else expect(await stsFailure(call)).toMatchObject({ name: "SignatureDoesNotMatch" });
    }
    expect((await log()).map(([, region, signing, code]) => [region, signing, code])).toEqual(
      Object.values(REGIONS).map((signing) => [
        REGIONS[name],
        signing,
        signing === REGIONS[name] ? null : "SignatureDoesNotMatch",
      ]),
    );
  });
});

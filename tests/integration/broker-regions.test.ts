// Every STS endpoint is signed for its own region (docs/AWS.md "STS endpoints"), against the AWS
// stand-in whose endpoints each check the credential scope as AWS does: failover from us-east-1 to
// us-west-2 and eu-west-1 works (signed for AWS_REGION everywhere, it would be refused), and
// an endpoint signed for the wrong region is a configuration problem on the Broker page, not an
// outage.
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { startAwsStandin, type AwsStandin, type StsCallRecord } from "@/dev/aws-standin/server";
import { createStsBroker } from "@/lib/aws/sts-broker";
import { AppError } from "@/lib/errors";
import { roleArnOf, testBroker, testWorld } from "../support/aws-standin";
import { brokerAwsConfig } from "../support/broker-config";

const REGIONS = ["us-east-1", "us-west-2", "eu-west-1"] as const;
let standin: AwsStandin;

beforeAll(async () => {
  standin = await startAwsStandin({ world: testWorld(), stsEndpointNames: [...REGIONS] });
});
afterAll(async () => {
  await standin?.close();
});
afterEach(() => {
  standin.clearFaults();
});

/** `<region>=<url>` of a stand-in endpoint. */
const entry = (name: string, claimedRegion = name) =>
  `${claimedRegion}=${standin.stsEndpoints[name]!.replace(/\/+$/, "")}`;

function broker(endpoints: string[]) {
  return createStsBroker({
    ...brokerAwsConfig({
      AWS_REGION: "us-east-1",
      GATEHOUSE_STS_ENDPOINTS: endpoints.join(","),
      GATEHOUSE_FEDERATION_ENDPOINT: standin.federationEndpoint,
      GATEHOUSE_BROKER_ACCESS_KEY_ID: testBroker.accessKeyId,
      GATEHOUSE_BROKER_SECRET_ACCESS_KEY: testBroker.secretAccessKey,
      GATEHOUSE_BROKER_GET_SESSION_TOKEN: "false",
    }),
    stsTimeoutMs: 1000,
    stsBackoffBaseMs: 10,
  });
}

async function calls(): Promise<StsCallRecord[]> {
  return (await (await fetch(`${standin.url}/__standin/calls`)).json()) as StsCallRecord[];
}

const developer = {
  roleArn: roleArnOf("Developer"),
  roleSessionName: "alice",
  sourceIdentity: "user-alice",
  durationSeconds: 900,
};

describe("failover across regions, each endpoint signed for its own", () => {
  it("us-east-1 down → issued by us-west-2, whose region the request was signed for", async () => {
    await fetch(`${standin.url}/__standin/reset-calls`, { method: "POST" });
    standin.setFault("us-east-1", { refuseConnections: true });
    const b = broker(REGIONS.map((r) => entry(r)));
    const assumed = await b.assumeRole(developer);
    expect(assumed.credentials.accessKeyId).toMatch(/^ASIA/);
    const assumeRoles = (await calls()).filter((c) => c.action === "AssumeRole");
    expect(assumeRoles.map((c) => [c.endpoint, c.errorCode ?? "ok"])).toEqual([
      ["us-west-2", "ok"],
    ]);
  });

  it("us-east-1 and us-west-2 down → eu-west-1, signed for eu-west-1", async () => {
    standin.setFault("us-east-1", { refuseConnections: true });
    standin.setFault("us-west-2", { refuseConnections: true });
    const assumed = await broker(REGIONS.map((r) => entry(r))).assumeRole(developer);
    expect(assumed.credentials.accessKeyId).toMatch(/^ASIA/);
  });
});

describe("an endpoint signed for the wrong region is misconfigured, not busy", () => {
  it("it is passed over at once for the next one and named on the Broker page", async () => {
    await fetch(`${standin.url}/__standin/reset-calls`, { method: "POST" });
    // The eu-west-1 endpoint configured as if it were us-east-1: AWS refuses the scope.
    const b = broker([entry("eu-west-1", "us-east-1"), entry("us-west-2")]);
    await b.assumeRole(developer);
    const attempts = (await calls()).filter((c) => c.action === "AssumeRole");
    expect(attempts.map((c) => [c.endpoint, c.errorCode ?? "ok"])).toEqual([
      ["eu-west-1", "SignatureDoesNotMatch"],
      ["us-west-2", "ok"],
    ]);
    const [wrong, right] = b.getEndpointHealth();
    expect(wrong).toMatchObject({ region: "us-east-1", lastErrorCode: "SignatureDoesNotMatch" });
    expect(wrong!.configurationProblem).toMatch(
      /signed for us-east-1.*Credential should be scoped to a valid region/,
    );
    expect(right).toMatchObject({ region: "us-west-2", configurationProblem: null });
  });

  it("when every endpoint is misconfigured the answer is broker_misconfigured, never 'AWS is busy'", async () => {
    const b = broker([entry("eu-west-1", "us-east-1"), entry("us-west-2", "eu-west-1")]);
    const error = await b.assumeRole(developer).then(
      () => null,
      (e: unknown) => e,
    );
    expect(error).toBeInstanceOf(AppError);
    expect((error as AppError).code).toBe("broker_misconfigured");
    expect((error as AppError).publicMessage).toMatch(/set up wrong.*Broker page/);
    expect((error as AppError).publicMessage).not.toMatch(/busy|could not be reached/);
  });
});

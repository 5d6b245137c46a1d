/**
 * Session tags along a role chain, driven by the real @aws-sdk/client-sts: tags named in
 * TransitiveTagKeys follow the session into every later chained session, a chained AssumeRole
 * may not set a tag with an inherited key, and inherited tags count toward the 50-tag limit and
 * the packed size (PackedPolicySize). Also the chain's other rules: SourceIdentity cannot change,
 * and a chained session lasts at most an hour.
 */
import { randomBytes } from "node:crypto";
import { AssumeRoleCommand, type AssumeRoleCommandInput, type Tag } from "@aws-sdk/client-sts";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { startAwsStandin, type AwsStandin, type StsCallRecord } from "@/dev/aws-standin/server";
import { packedPolicyPercent } from "@/dev/aws-standin/sts-packed-policy";
import {
  createTestClock,
  keysOf,
  roleArnOf,
  stsClient,
  stsFailure,
  testBroker,
  testWorld,
  type Keys,
} from "@/tests/support/aws-standin";

const clock = createTestClock();
let standin: AwsStandin;

beforeAll(async () => {
  // ChainTarget also trusts its own sessions, so a chain can go on past the second hop.
  const world = testWorld();
  const chainTarget = world.accounts[0]?.roles.find((role) => role.name === "ChainTarget");
  chainTarget?.trustedPrincipalArns.push(roleArnOf("ChainTarget"));
  standin = await startAwsStandin({ world, now: clock.now });
});
afterEach(() => clock.reset());
afterAll(async () => {
  await standin.close();
});

function assume(keys: Keys, input: Partial<AssumeRoleCommandInput>) {
  return stsClient(standin, keys).send(
    new AssumeRoleCommand({
      RoleArn: roleArnOf("ChainTarget"),
      RoleSessionName: "chained",
      ...input,
    }),
  );
}

/** The broker's session of Hop, carrying these tags (transitive as named). */
async function hopWith(input: Partial<AssumeRoleCommandInput> = {}): Promise<Keys> {
  return keysOf(await assume(testBroker, { RoleArn: roleArnOf("Hop"), ...input }));
}

async function lastAssumeRole(): Promise<StsCallRecord | undefined> {
  const calls = (await (await fetch(`${standin.url}/__standin/calls`)).json()) as StsCallRecord[];
  return calls.filter((call) => call.action === "AssumeRole").at(-1);
}

const manyTags = (n: number, prefix: string): Tag[] =>
  Array.from({ length: n }, (_, i) => ({ Key: `${prefix}${i}`, Value: "v" }));
/** Random hex packs badly, like real identifiers do for AWS's packer. */
const bulkyTags = (n: number, prefix: string): Tag[] =>
  Array.from({ length: n }, (_, i) => ({
    Key: `${prefix}${i}-${randomBytes(40).toString("hex")}`,
    Value: randomBytes(128).toString("hex"),
  }));
const keysOfTags = (tags: Tag[]) => tags.map((tag) => tag.Key ?? "");

describe("transitive session tags follow a role chain", () => {
  it("tags named in TransitiveTagKeys reach every later chained session; the others do not", async () => {
    const hop = await hopWith({
      Tags: [
        { Key: "team", Value: "platform" },
        { Key: "project", Value: "gatehouse" },
      ],
      TransitiveTagKeys: ["team"],
    });
    const second = keysOf(await assume(hop, {}));
    expect((await lastAssumeRole())?.inheritedTagKeys).toEqual(["team"]);
    // `project` was not transitive: the chained session may set it again, with any value.
    const third = keysOf(await assume(second, { Tags: [{ Key: "project", Value: "other" }] }));
    expect((await lastAssumeRole())?.inheritedTagKeys).toEqual(["team"]);
    await assume(third, {});
    expect((await lastAssumeRole())?.inheritedTagKeys).toEqual(["team"]);
  });

  it("a chained session adds its own transitive tags to the inherited ones", async () => {
    const hop = await hopWith({
      Tags: [{ Key: "team", Value: "platform" }],
      TransitiveTagKeys: ["team"],
    });
    const second = keysOf(
      await assume(hop, { Tags: [{ Key: "cost", Value: "42" }], TransitiveTagKeys: ["cost"] }),
    );
    await assume(second, {});
    expect((await lastAssumeRole())?.inheritedTagKeys).toEqual(["team", "cost"]);
  });

  it("AWS reports PackedPolicySize for a chained session that inherits tags, counting them", async () => {
    const inherited = bulkyTags(3, "in");
    const hop = await hopWith({ Tags: inherited, TransitiveTagKeys: keysOfTags(inherited) });
    const bare = await assume(hop, {});
    expect(bare.PackedPolicySize).toBeGreaterThan(0);
    const own = [{ Key: "extra", Value: "x" }];
    const withOwn = await assume(hop, { Tags: own });
    const unchained = await assume(testBroker, { RoleArn: roleArnOf("Hop"), Tags: own });
    expect(withOwn.PackedPolicySize).toBeGreaterThan(unchained.PackedPolicySize ?? 0);
  });
});

describe("AssumeRole refusals along a role chain", () => {
  const transitive = [{ Key: "Team", Value: "platform" }];
  const inheritedBulk = bulkyTags(6, "in");
  const ownBulk = bulkyTags(6, "own");
  const asPacked = (tags: Tag[]) =>
    tags.map((tag) => ({ key: tag.Key ?? "", value: tag.Value ?? "" }));

  const cases: Array<{
    rule: string;
    hop: Partial<AssumeRoleCommandInput>;
    input: Partial<AssumeRoleCommandInput>;
    code: string;
    status: number;
    /** The same call from the unchained broker succeeds (the chain is what breaks it). */
    isChainOnly?: false;
  }> = [
    {
      rule: "a session tag overriding an inherited transitive tag's value",
      hop: { Tags: transitive, TransitiveTagKeys: ["Team"] },
      input: { Tags: [{ Key: "Team", Value: "security" }] },
      code: "InvalidParameterValue",
      status: 400,
    },
    {
      rule: "a session tag repeating an inherited transitive tag, value unchanged",
      hop: { Tags: transitive, TransitiveTagKeys: ["Team"] },
      input: { Tags: [{ Key: "Team", Value: "platform" }] },
      code: "InvalidParameterValue",
      status: 400,
    },
    {
      rule: "a session tag whose key differs from an inherited transitive tag's only in case",
      hop: { Tags: transitive, TransitiveTagKeys: ["Team"] },
      input: { Tags: [{ Key: "tEAM", Value: "security" }] },
      code: "InvalidParameterValue",
      status: 400,
    },
    {
      rule: "TransitiveTagKeys naming an inherited tag that is not sent again",
      hop: { Tags: transitive, TransitiveTagKeys: ["Team"] },
      input: { Tags: [{ Key: "cost", Value: "1" }], TransitiveTagKeys: ["Team"] },
      code: "InvalidParameterValue",
      status: 400,
      isChainOnly: false,
    },
    {
      rule: "more than 50 session tags counting the inherited transitive ones",
      hop: { Tags: manyTags(10, "in"), TransitiveTagKeys: keysOfTags(manyTags(10, "in")) },
      input: { Tags: manyTags(41, "own") },
      code: "InvalidParameterValue",
      status: 400,
    },
    {
      rule: "a packed size over the limit counting the inherited transitive tags",
      hop: { Tags: inheritedBulk, TransitiveTagKeys: keysOfTags(inheritedBulk) },
      input: { Tags: ownBulk },
      code: "PackedPolicyTooLarge",
      status: 400,
    },
    {
      rule: "a SourceIdentity different from the one set earlier in the chain",
      hop: { SourceIdentity: "alice-0001" },
      input: { SourceIdentity: "mallory" },
      code: "AccessDenied",
      status: 403,
    },
    {
      rule: "DurationSeconds over one hour for a chained session",
      hop: {},
      input: { DurationSeconds: 3601 },
      code: "ValidationError",
      status: 400,
    },
  ];

  it("the packed-size case is one only the inherited tags push over the limit", () => {
    expect(packedPolicyPercent(undefined, [], asPacked(inheritedBulk))).toBeLessThanOrEqual(100);
    expect(packedPolicyPercent(undefined, [], asPacked(ownBulk))).toBeLessThanOrEqual(100);
    expect(
      packedPolicyPercent(undefined, [], asPacked([...inheritedBulk, ...ownBulk])),
    ).toBeGreaterThan(100);
  });

  it.each(cases)("refuses $rule ($code)", async ({ hop, input, code, status, isChainOnly }) => {
    const session = await hopWith(hop);
    const failure = await stsFailure(assume(session, input));
    expect(failure).toMatchObject({ code, status });
    if (isChainOnly === false) return;
    await expect(
      assume(testBroker, { ...input, RoleArn: roleArnOf("Hop") }),
    ).resolves.toBeDefined();
  });
});

// A broker on role credentials whose own session carries transitive tags or a source identity
// (as EKS Pod Identity and chained automation roles do): every AssumeRole the portal makes
// inherits them, and AWS refuses what clashes. The portal cannot see the broker's inherited tags
// before calling, so each refusal must come back as a clear 502 naming the cause, audited as a
// failed issuance — never a 500. Real @aws-sdk/client-sts against the stand-in.
import { randomBytes } from "node:crypto";
import type { AssumeRoleCommandInput, Tag } from "@aws-sdk/client-sts";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { packedPolicyPercent } from "@/dev/aws-standin/sts-packed-policy";
import { chainedBrokerEnv, chainedWorld } from "../support/chained-broker";
import {
  assumeRoleCalls,
  expectApiError,
  issuanceOutcomeRows,
  parseDetails,
  resetStsCalls,
} from "../support/portal-assertions";
import { roleIdOf, signIn } from "../support/portal-client";
import { startTestStack, type TestStack } from "../support/stack";

/** Bob's tags through this mapping, in the order the portal sends them. */
const SESSION_TAGS_SETTING = "Email=email,Username=preferred_username,Team=groups";
const BOB_TAGS = [
  { key: "Email", value: "bob@corp.example" },
  { key: "Username", value: "bob" },
  { key: "Team", value: "developers" },
];

/** Transitive tags whose packed size alone fits, but not with Bob's tags added. */
function nearlyFullTags(): Tag[] {
  const packed = (tags: Tag[]) =>
    packedPolicyPercent(
      undefined,
      [],
      tags.map((t) => ({ key: t.Key!, value: t.Value! })),
    );
  const tags: Tag[] = [];
  const bulky = (i: number, chars: number) => ({
    Key: `b${i}`,
    Value: randomBytes(128).toString("hex").slice(0, chars),
  });
  while (packed([...tags, bulky(tags.length, 256)]) <= 100) tags.push(bulky(tags.length, 256));
  for (let chars = 256; chars > 0; chars -= 1) {
    const filler = bulky(tags.length, chars);
    if (packed([...tags, filler]) <= 100) return [...tags, filler];
  }
  return tags;
}

const transitive = (tags: Tag[]) => ({ Tags: tags, TransitiveTagKeys: tags.map((t) => t.Key!) });

const scenarios: Array<{
  rule: string;
  brokerSession: Pick<AssumeRoleCommandInput, "Tags" | "TransitiveTagKeys" | "SourceIdentity">;
  awsErrorCode: string;
  message: RegExp;
}> = [
  {
    rule: "a session tag with the key of a transitive tag the broker's session passes on",
    brokerSession: transitive([{ Key: "team", Value: "platform" }]),
    awsErrorCode: "InvalidParameterValue",
    message: /same key as one of those \(whatever its value\)/,
  },
  {
    rule: "more than 50 session tags counting the broker's transitive tags",
    brokerSession: transitive(Array.from({ length: 48 }, (_, i) => ({ Key: `k${i}`, Value: "v" }))),
    awsErrorCode: "InvalidParameterValue",
    message: /counts them toward its limit of 50 tags/,
  },
  {
    rule: "a packed size over the limit counting the broker's transitive tags",
    brokerSession: transitive(nearlyFullTags()),
    awsErrorCode: "PackedPolicyTooLarge",
    message: /together with the tags the broker's own role session passes on, are too large/,
  },
  {
    rule: "a SourceIdentity other than the one the broker's session already carries",
    brokerSession: { SourceIdentity: "automation-pipeline" },
    awsErrorCode: "AccessDenied",
    message:
      /already carries a source identity, which AWS never lets a later session in the chain change/,
  },
];

describe.each(scenarios)(
  "AWS refuses $rule: the portal says why (502, audited)",
  ({ brokerSession, awsErrorCode, message }) => {
    let stack: TestStack;
    beforeAll(async () => {
      stack = await startTestStack({
        world: chainedWorld(),
        envFromAws: (aws) => chainedBrokerEnv(aws, brokerSession),
        extraEnv: { GATEHOUSE_SESSION_TAGS: SESSION_TAGS_SETTING },
      });
    });
    afterAll(async () => {
      await stack?.stop();
    });

    it(`refuses with ${awsErrorCode} and a message naming the role chain`, async () => {
      if (awsErrorCode === "PackedPolicyTooLarge") {
        const inherited = (brokerSession.Tags ?? []).map((t) => ({ key: t.Key!, value: t.Value! }));
        expect(packedPolicyPercent(undefined, [], inherited)).toBeLessThanOrEqual(100);
        expect(packedPolicyPercent(undefined, [], BOB_TAGS)).toBeLessThanOrEqual(100);
        expect(packedPolicyPercent(undefined, [], [...inherited, ...BOB_TAGS])).toBeGreaterThan(
          100,
        );
      }
      const bob = await signIn(stack, "bob");
      const roleId = await roleIdOf(stack, "acme-staging", "Developer");
      await resetStsCalls(stack);
      const res = await bob.request(`/api/roles/${roleId}/credentials`, {
        method: "POST",
        json: { durationSeconds: 3600 },
      });
      const body = await expectApiError(res, 502, "aws_refused");
      expect(body.error.awsErrorCode).toBe(awsErrorCode);
      expect(body.error.message).toMatch(message);
      expect(body.error.message).toContain(`(AWS error ${awsErrorCode})`);

      const calls = await assumeRoleCalls(stack);
      expect(calls).toHaveLength(1);
      expect(calls[0]).toMatchObject({
        errorCode: awsErrorCode,
        tagKeys: BOB_TAGS.map((t) => t.key),
        callerArn: expect.stringMatching(/:assumed-role\/GatehouseBroker\//) as unknown,
      });
      const inheritedKeys = brokerSession.TransitiveTagKeys;
      if (inheritedKeys) expect(calls[0]?.inheritedTagKeys).toEqual(inheritedKeys);

      const [row] = await issuanceOutcomeRows(stack, res.headers.get("x-request-id"));
      expect(row).toMatchObject({ action: "credentials.failed", outcome: "error" });
      expect(parseDetails(row!.detailsJson).awsErrorCode).toBe(awsErrorCode);
    });
  },
);

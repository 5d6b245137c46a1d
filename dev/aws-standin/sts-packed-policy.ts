/**
 * The packed size of a session's policies and tags (AssumeRole and AssumeRoleWithSAML,
 * `PackedPolicySize`). AWS compresses the session policy, the managed policy ARNs and the
 * session tags into a binary form with its own limit, and reports only a percentage of it; the
 * form and the limit are undisclosed. This is an approximation (docs/AWS-STANDIN.md "Packed
 * size"): deflated bytes against a 2 KiB budget, which keeps small inputs small and makes long
 * policies plus long tags overflow, the behaviour callers must handle.
 */
import { deflateRawSync } from "node:zlib";
import { StsError } from "./sts-errors";
import type { SessionTag } from "./state";

const PACKED_BUDGET_BYTES = 2048;

/**
 * PackedPolicySize for a session policy, managed policy ARNs and session tags. Pass every tag
 * the new session will carry, inherited transitive tags included. Whether a tag is transitive
 * does not change its size (STS API reference, AssumeRole `TransitiveTagKeys`).
 */
export function packedPolicyPercent(
  policy: string | undefined,
  policyArns: readonly string[],
  tags: readonly SessionTag[],
): number {
  const packed = deflateRawSync(
    JSON.stringify([policy ?? "", policyArns, tags.map((t) => [t.key, t.value])]),
  );
  return Math.ceil((packed.length * 100) / PACKED_BUDGET_BYTES);
}

/** @throws StsError PackedPolicyTooLarge, worded as AWS words it, above 100 percent. */
export function checkPackedPercent(percent: number): void {
  if (percent > 100) {
    throw new StsError(
      "PackedPolicyTooLarge",
      `Packed policy consumes ${percent}% of allotted space, please use smaller policy.`,
    );
  }
}

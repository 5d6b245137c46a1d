/**
 * AssumeRole's session-tag rules that go beyond one parameter's constraints: keys are compared
 * ignoring case, the reserved `aws:` prefix, TransitiveTagKeys naming sent tags, and role
 * chaining with transitive tags (STS API reference, AssumeRole `Tags` and `TransitiveTagKeys`;
 * IAM User Guide, "Pass session tags in AWS STS" → "Chaining roles with session tags").
 */
import { StsError } from "./sts-errors";
import { hasReservedTagPrefix } from "./sts-validation";
import type { SessionTag } from "./state";

export const MAX_SESSION_TAGS = 50;

/**
 * Checks the tags an AssumeRole sends against each other and against the transitive tags the
 * caller's session passes on (`inherited`, empty unless the caller is a role session).
 * @throws StsError InvalidParameterValue naming the rule.
 */
export function checkSessionTags(
  tags: readonly SessionTag[],
  transitiveTagKeys: readonly string[],
  inherited: readonly SessionTag[],
): void {
  const keys = tags.map((tag) => tag.key.toLowerCase());
  if (new Set(keys).size !== keys.length) {
    throw new StsError(
      "InvalidParameterValue",
      "Duplicate tag keys found. Please note that Tag keys are case insensitive.",
    );
  }
  const reserved = tags.find(
    (tag) => hasReservedTagPrefix(tag.key) || hasReservedTagPrefix(tag.value),
  );
  if (reserved) {
    // The refusal is documented; the code and wording are a modelled guess (docs/AWS-STANDIN.md).
    throw new StsError(
      "InvalidParameterValue",
      `Session tag keys and values may not begin with the reserved prefix 'aws:' (tag '${reserved.key}').`,
    );
  }
  if (transitiveTagKeys.some((key) => !keys.includes(key.toLowerCase()))) {
    throw new StsError(
      "InvalidParameterValue",
      "The specified transitive tag key must be included in the requested tags.",
    );
  }
  // Documented: a session tag with an inherited tag's key fails the call, whatever its value.
  // The code and wording are a modelled guess (docs/AWS-STANDIN.md "Transitive session tags").
  const inheritedKeys = new Set(inherited.map((tag) => tag.key.toLowerCase()));
  const clash = tags.find((tag) => inheritedKeys.has(tag.key.toLowerCase()));
  if (clash) {
    throw new StsError(
      "InvalidParameterValue",
      `The session tag '${clash.key}' cannot be set: the calling session passes on a transitive tag with the same key, which cannot be overridden in a role chain.`,
    );
  }
  // A modelled guess: inherited tags count toward the session's 50.
  if (tags.length + inherited.length > MAX_SESSION_TAGS) {
    throw new StsError(
      "InvalidParameterValue",
      `The session would carry ${tags.length + inherited.length} session tags (${inherited.length} inherited as transitive tags); at most ${MAX_SESSION_TAGS} are allowed.`,
    );
  }
}

/**
 * The transitive tags a new session passes on: every inherited one (they stay transitive along
 * the chain) and the sent tags TransitiveTagKeys names.
 */
export function nextTransitiveTags(
  tags: readonly SessionTag[],
  transitiveTagKeys: readonly string[],
  inherited: readonly SessionTag[],
): SessionTag[] {
  const named = new Set(transitiveTagKeys.map((key) => key.toLowerCase()));
  return [...inherited, ...tags.filter((tag) => named.has(tag.key.toLowerCase()))];
}

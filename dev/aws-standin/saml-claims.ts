/**
 * The AWS attributes of a verified SAML assertion — Role pairs, RoleSessionName, SessionDuration,
 * SourceIdentity, PrincipalTag:* session tags and TransitiveTagKeys — read with the constraints
 * AWS applies to each.
 */
import { parseSamlProviderArn, ROLE_ARN } from "./partitions";
import type { VerifiedSamlAssertion } from "./saml-response";
import type { Tag } from "./sts-assume-role";
import { StsError } from "./sts-errors";
import { hasReservedTagPrefix, PATTERNS } from "./sts-validation";

const MAX_SESSION_TAGS = 50;

export const AWS_SAML_ATTRIBUTES = {
  role: "https://aws.amazon.com/SAML/Attributes/Role",
  roleSessionName: "https://aws.amazon.com/SAML/Attributes/RoleSessionName",
  sessionDuration: "https://aws.amazon.com/SAML/Attributes/SessionDuration",
  sourceIdentity: "https://aws.amazon.com/SAML/Attributes/SourceIdentity",
  principalTagPrefix: "https://aws.amazon.com/SAML/Attributes/PrincipalTag:",
  transitiveTagKeys: "https://aws.amazon.com/SAML/Attributes/TransitiveTagKeys",
} as const;

/** What the assertion's AWS attributes ask for, validated. */
export interface SamlClaims {
  /** `role ARN|provider ARN` keys of every pair in the Role attribute (either order). */
  grants: Set<string>;
  sessionName: string;
  sessionDuration: number | undefined;
  sourceIdentity: string | undefined;
  tags: Tag[];
  /** The tags the TransitiveTagKeys attribute names: the session passes them on when chaining. */
  transitiveTags: Tag[];
}

/**
 * Reads and validates the AWS attributes of a verified assertion.
 *
 * @throws StsError InvalidIdentityToken for a missing or malformed RoleSessionName, a bad
 *   SessionDuration, SourceIdentity or PrincipalTag, or a single-valued attribute sent twice.
 */
export function readClaims(assertion: VerifiedSamlAssertion): SamlClaims {
  const { attributes } = assertion;
  const grants = new Set<string>();
  for (const value of attributes.get(AWS_SAML_ATTRIBUTES.role) ?? []) {
    const parts = value.split(",").map((part) => part.trim());
    if (parts.length !== 2) continue;
    const [a = "", b = ""] = parts;
    if (ROLE_ARN.test(a) && parseSamlProviderArn(b)) grants.add(`${a}|${b}`);
    if (ROLE_ARN.test(b) && parseSamlProviderArn(a)) grants.add(`${b}|${a}`);
  }

  const sessionName = singleValue(
    attributes,
    AWS_SAML_ATTRIBUTES.roleSessionName,
    "RoleSessionName",
  );
  if (sessionName === undefined) {
    throw new StsError("InvalidIdentityToken", "RoleSessionName is required in AuthnResponse");
  }
  if (!/^[\w+=,.@-]{2,64}$/.test(sessionName)) {
    throw new StsError(
      "InvalidIdentityToken",
      "RoleSessionName in AuthnResponse must match [a-zA-Z_0-9+=,.@-]{2,64}",
    );
  }

  const durationText = singleValue(
    attributes,
    AWS_SAML_ATTRIBUTES.sessionDuration,
    "SessionDuration",
  );
  const sessionDurationValue = durationText === undefined ? undefined : Number(durationText);
  if (
    durationText !== undefined &&
    !(
      /^\d{3,5}$/.test(durationText) &&
      Number(durationText) >= 900 &&
      Number(durationText) <= 43200
    )
  ) {
    throw new StsError(
      "InvalidIdentityToken",
      "SessionDuration in AuthnResponse must be an integer from 900 to 43200",
    );
  }

  const sourceIdentity = singleValue(
    attributes,
    AWS_SAML_ATTRIBUTES.sourceIdentity,
    "SourceIdentity",
  );
  if (sourceIdentity !== undefined && !/^[\w+=,.@-]{2,64}$/.test(sourceIdentity)) {
    throw new StsError(
      "InvalidIdentityToken",
      "SourceIdentity in AuthnResponse must match [a-zA-Z_0-9+=,.@-]{2,64}",
    );
  }

  const tags = readTags(attributes);
  return {
    grants,
    sessionName,
    sessionDuration: sessionDurationValue,
    sourceIdentity,
    tags,
    transitiveTags: readTransitiveTags(attributes, tags),
  };
}

/**
 * The TransitiveTagKeys attribute (one value per key): each must name a PrincipalTag of the same
 * assertion (IAM User Guide, "Passing session tags using AssumeRoleWithSAML"); the refusal's code
 * is a modelled guess.
 */
function readTransitiveTags(attributes: Map<string, string[]>, tags: readonly Tag[]): Tag[] {
  const keys = attributes.get(AWS_SAML_ATTRIBUTES.transitiveTagKeys) ?? [];
  return keys.map((key) => {
    const tag = tags.find((t) => t.key.toLowerCase() === key.toLowerCase());
    if (!tag) {
      throw new StsError(
        "InvalidIdentityToken",
        `TransitiveTagKeys names ${key}, which is not a PrincipalTag of the assertion`,
      );
    }
    return tag;
  });
}

/** `PrincipalTag:<key>` attributes as session tags, with the limits AssumeRole applies. */
function readTags(attributes: Map<string, string[]>): Tag[] {
  const tags: Tag[] = [];
  for (const name of attributes.keys()) {
    if (!name.startsWith(AWS_SAML_ATTRIBUTES.principalTagPrefix)) continue;
    const key = name.slice(AWS_SAML_ATTRIBUTES.principalTagPrefix.length);
    const value = singleValue(attributes, name, `PrincipalTag:${key}`) ?? "";
    if (
      key.length > 128 ||
      !PATTERNS.tagKey.regex.test(key) ||
      value.length > 256 ||
      !PATTERNS.tagValue.regex.test(value) ||
      hasReservedTagPrefix(key) ||
      hasReservedTagPrefix(value)
    ) {
      throw new StsError("InvalidIdentityToken", `PrincipalTag:${key} is not a valid session tag`);
    }
    tags.push({ key, value });
  }
  const keys = tags.map((tag) => tag.key.toLowerCase());
  if (tags.length > MAX_SESSION_TAGS || new Set(keys).size !== keys.length) {
    throw new StsError(
      "InvalidIdentityToken",
      `At most ${MAX_SESSION_TAGS} PrincipalTag attributes with distinct keys are allowed`,
    );
  }
  return tags;
}

/** An attribute AWS reads as one value: absent → undefined, several values → refused. */
function singleValue(
  attributes: Map<string, string[]>,
  name: string,
  shortName: string,
): string | undefined {
  const values = attributes.get(name);
  if (values === undefined) return undefined;
  if (values.length !== 1) {
    throw new StsError("InvalidIdentityToken", `${shortName} in AuthnResponse must have one value`);
  }
  return values[0];
}

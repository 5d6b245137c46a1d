/**
 * AssumeRoleWithSAML as AWS documents it: no credentials needed, the SAML provider's metadata is
 * the trust anchor. Checked in passes like the real service: parameter constraints
 * (ValidationError), the provider and the assertion (InvalidIdentityToken, ExpiredTokenException),
 * the AWS attributes it carries (InvalidIdentityToken), whether it grants this role and the role
 * trusts the provider (AccessDenied), then the session duration (ValidationError).
 */
import { createHash } from "node:crypto";
import { verifySamlResponse, type VerifiedSamlAssertion } from "./saml-response";
import { SAML_PROVIDER_ARN } from "./saml-metadata";
import { isJsonObject, packedPolicyPercent, ROLE_ARN, type Tag } from "./sts-assume-role";
import { credentialsXml, issueCredentials, type UnsignedActionContext } from "./sts-credentials";
import { StsError } from "./sts-errors";
import { param, PATTERNS, readMemberList, Violations } from "./sts-validation";
import type { XmlElement } from "./sts-xml";
import type { ResolvedRole } from "./world";

/** AWS's limit on the SAMLAssertion parameter (characters of base64). */
export const MAX_SAML_ASSERTION_CHARS = 100_000;
const DEFAULT_DURATION_SECONDS = 3600;
const MAX_SESSION_TAGS = 50;
const NAMEID_FORMAT_PREFIX = "urn:oasis:names:tc:SAML:2.0:nameid-format:";
const UNSPECIFIED_NAMEID_FORMAT = "urn:oasis:names:tc:SAML:1.1:nameid-format:unspecified";

export const AWS_SAML_ATTRIBUTES = {
  role: "https://aws.amazon.com/SAML/Attributes/Role",
  roleSessionName: "https://aws.amazon.com/SAML/Attributes/RoleSessionName",
  sessionDuration: "https://aws.amazon.com/SAML/Attributes/SessionDuration",
  sourceIdentity: "https://aws.amazon.com/SAML/Attributes/SourceIdentity",
  principalTagPrefix: "https://aws.amazon.com/SAML/Attributes/PrincipalTag:",
} as const;

interface SamlInput {
  roleArn: string;
  principalArn: string;
  samlAssertion: string;
  durationSeconds: number | undefined;
  policy: string | undefined;
  policyArns: string[];
}

/** What the assertion's AWS attributes ask for, validated. */
interface SamlClaims {
  /** `role ARN|provider ARN` keys of every pair in the Role attribute (either order). */
  grants: Set<string>;
  sessionName: string;
  sessionDuration: number | undefined;
  sourceIdentity: string | undefined;
  tags: Tag[];
}

/** Runs AssumeRoleWithSAML; the caller may be anonymous. @throws StsError as AWS would answer. */
export function assumeRoleWithSaml(
  context: UnsignedActionContext,
  params: URLSearchParams,
): XmlElement {
  const input = readInput(params);
  if (!ROLE_ARN.test(input.roleArn))
    throw new StsError("ValidationError", "Request ARN is invalid");
  if (!SAML_PROVIDER_ARN.test(input.principalArn)) {
    throw new StsError("ValidationError", "Principal ARN is invalid");
  }
  if (input.policy !== undefined && !isJsonObject(input.policy)) {
    throw new StsError("MalformedPolicyDocument", "Syntax errors in policy.");
  }
  const provider = context.world.samlProvider(input.principalArn);
  if (!provider) throw new StsError("InvalidIdentityToken", "Specified provider doesn't exist");

  const assertion = verifySamlResponse(input.samlAssertion, provider, context.now);
  const claims = readClaims(assertion);
  if (context.record) {
    context.record.roleSessionName = claims.sessionName;
    if (claims.sourceIdentity !== undefined) context.record.sourceIdentity = claims.sourceIdentity;
  }

  const role = findGrantedRole(context, input, claims);
  if (claims.sourceIdentity !== undefined && !role.allowsSourceIdentity) {
    throw new StsError("AccessDenied", "Not authorized to perform sts:SetSourceIdentity");
  }
  if (claims.tags.length > 0 && !role.allowsTagSession) {
    throw new StsError("AccessDenied", "Not authorized to perform sts:TagSession");
  }
  const packs = input.policy !== undefined || input.policyArns.length > 0 || claims.tags.length > 0;
  const packedPercent = packs
    ? packedPolicyPercent(input.policy, input.policyArns, claims.tags)
    : undefined;
  if (packedPercent !== undefined && packedPercent > 100) {
    throw new StsError(
      "PackedPolicyTooLarge",
      `Packed policy consumes ${packedPercent}% of allotted space, please use smaller policy.`,
    );
  }

  const duration = sessionDuration(input, claims, role, assertion, context.now);
  if (context.record) context.record.durationSeconds = duration;
  const assumedRoleArn = `arn:aws:sts::${role.account}:assumed-role/${role.name}/${claims.sessionName}`;
  const assumedRoleId = `${role.roleId}:${claims.sessionName}`;
  const credentials = issueCredentials(context, duration, "AssumeRoleWithSAML", {
    type: "assumed-role",
    arn: assumedRoleArn,
    account: role.account,
    userId: assumedRoleId,
    roleArn: role.arn,
    roleName: role.name,
    sessionName: claims.sessionName,
    sourceIdentity: claims.sourceIdentity,
    isRoleChained: false,
  });
  return {
    Credentials: credentialsXml(credentials),
    AssumedRoleUser: { AssumedRoleId: assumedRoleId, Arn: assumedRoleArn },
    PackedPolicySize: packedPercent,
    Subject: assertion.nameId,
    SubjectType: subjectType(assertion.nameIdFormat),
    Issuer: assertion.issuer,
    Audience: assertion.recipient,
    NameQualifier: nameQualifier(assertion.issuer, provider.account, provider.name),
    SourceIdentity: claims.sourceIdentity,
  };
}

function readInput(params: URLSearchParams): SamlInput {
  const v = new Violations();
  const roleArn = param(params, "RoleArn");
  const principalArn = param(params, "PrincipalArn");
  const samlAssertion = param(params, "SAMLAssertion");
  v.required("roleArn", roleArn);
  v.text("roleArn", roleArn, 20, 2048, "unicodeText");
  v.required("principalArn", principalArn);
  v.text("principalArn", principalArn, 20, 2048, "unicodeText");
  v.required("sAMLAssertion", samlAssertion);
  v.secretText("sAMLAssertion", samlAssertion, 4, MAX_SAML_ASSERTION_CHARS);
  const durationSeconds = v.integer(
    "durationSeconds",
    param(params, "DurationSeconds"),
    900,
    43200,
  );
  const policy = param(params, "Policy");
  v.text("policy", policy, 1, 2048, "unicodeText");
  const policyArns = readMemberList(params, "PolicyArns").map((fields) => fields.get("arn") ?? "");
  v.listSize("policyArns", policyArns.length, 10);
  policyArns.forEach((arn, i) =>
    v.text(`policyArns.${i + 1}.member.arn`, arn, 20, 2048, "unicodeText"),
  );
  v.throwIfAny();
  return {
    roleArn: roleArn ?? "",
    principalArn: principalArn ?? "",
    samlAssertion: samlAssertion ?? "",
    durationSeconds,
    policy,
    policyArns,
  };
}

function readClaims(assertion: VerifiedSamlAssertion): SamlClaims {
  const { attributes } = assertion;
  const grants = new Set<string>();
  for (const value of attributes.get(AWS_SAML_ATTRIBUTES.role) ?? []) {
    const parts = value.split(",").map((part) => part.trim());
    if (parts.length !== 2) continue;
    const [a = "", b = ""] = parts;
    if (ROLE_ARN.test(a) && SAML_PROVIDER_ARN.test(b)) grants.add(`${a}|${b}`);
    if (ROLE_ARN.test(b) && SAML_PROVIDER_ARN.test(a)) grants.add(`${b}|${a}`);
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

  return {
    grants,
    sessionName,
    sessionDuration: sessionDurationValue,
    sourceIdentity,
    tags: readTags(attributes),
  };
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
      !PATTERNS.tagValue.regex.test(value)
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

/**
 * The role, if the Role attribute pairs it with this provider, it exists, and its trust policy
 * names the provider. All three failures look alike, as they do at AWS.
 */
function findGrantedRole(
  context: UnsignedActionContext,
  input: SamlInput,
  claims: SamlClaims,
): ResolvedRole {
  const m = /^arn:aws:iam::(\d{12}):role\/(.*)$/.exec(input.roleArn);
  const role = m?.[1] && m[2] && !m[2].includes("/") ? context.world.role(m[1], m[2]) : undefined;
  if (
    !claims.grants.has(`${input.roleArn}|${input.principalArn}`) ||
    !role ||
    !(role.trustedSamlProviderArns ?? []).includes(input.principalArn)
  ) {
    throw new StsError("AccessDenied", "Not authorized to perform sts:AssumeRoleWithSAML");
  }
  return role;
}

/**
 * DurationSeconds (900 to the role's MaxSessionDuration, and no more than an asserted
 * SessionDuration) or else the default hour, capped by SessionDuration; then, as AWS documents,
 * the session ends at SessionNotOnOrAfter if that comes first.
 */
function sessionDuration(
  input: SamlInput,
  claims: SamlClaims,
  role: ResolvedRole,
  assertion: VerifiedSamlAssertion,
  now: Date,
): number {
  const requested = input.durationSeconds;
  if (requested !== undefined && requested > role.maxSessionDurationSeconds) {
    throw new StsError(
      "ValidationError",
      "The requested DurationSeconds exceeds the MaxSessionDuration set for this role.",
    );
  }
  if (
    requested !== undefined &&
    claims.sessionDuration !== undefined &&
    requested > claims.sessionDuration
  ) {
    throw new StsError(
      "ValidationError",
      "The requested DurationSeconds exceeds the SessionDuration in the SAML assertion.",
    );
  }
  let duration =
    requested ?? Math.min(DEFAULT_DURATION_SECONDS, claims.sessionDuration ?? Infinity);
  if (assertion.sessionNotOnOrAfter !== undefined) {
    const issuedAtMs = Math.floor(now.getTime() / 1000) * 1000;
    const untilSessionEnd = Math.floor(
      (assertion.sessionNotOnOrAfter.getTime() - issuedAtMs) / 1000,
    );
    if (untilSessionEnd < 1) {
      throw new StsError("ExpiredTokenException", "Token expired: the SAML session has ended");
    }
    duration = Math.min(duration, untilSessionEnd);
  }
  return duration;
}

/** `persistent` / `transient` for SAML 2.0 formats, else the format URI unchanged (AWS's rule). */
function subjectType(format: string | undefined): string {
  const uri = format ?? UNSPECIFIED_NAMEID_FORMAT;
  return uri.startsWith(NAMEID_FORMAT_PREFIX) ? uri.slice(NAMEID_FORMAT_PREFIX.length) : uri;
}

/** AWS: BASE64 ( SHA1 ( issuer + account id + "/" + provider name ) ). */
export function nameQualifier(issuer: string, account: string, providerName: string): string {
  return createHash("sha1").update(`${issuer}${account}/${providerName}`, "utf8").digest("base64");
}

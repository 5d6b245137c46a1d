/**
 * AssumeRoleWithSAML as AWS documents it: no credentials needed, the SAML provider's metadata is
 * the trust anchor. Checked in passes like the real service: parameter constraints and the
 * partition of both ARNs (ValidationError), the provider and the assertion, addressed to the
 * partition's sign-in endpoint (InvalidIdentityToken, ExpiredTokenException), the AWS attributes
 * it carries (InvalidIdentityToken, saml-claims.ts), whether it grants this role and the role's
 * trust policy allows the provider (AccessDenied), then the session duration (ValidationError).
 */
import { createHash } from "node:crypto";
import { evaluatePolicy } from "./iam-policy-eval";
import { parseSamlProviderArn, ROLE_ARN } from "./partitions";
import { readClaims, type SamlClaims } from "./saml-claims";
import { verifySamlResponse, type VerifiedSamlAssertion } from "./saml-response";
import { isJsonObject } from "./sts-assume-role";
import { checkPartition } from "./sts-authorize";
import { checkPackedPercent, packedPolicyPercent } from "./sts-packed-policy";
import { credentialsXml, issueCredentials, type UnsignedActionContext } from "./sts-credentials";
import { StsError } from "./sts-errors";
import { param, readMemberList, Violations } from "./sts-validation";
import type { XmlElement } from "./sts-xml";
import type { ResolvedRole } from "./world";

/** AWS's limit on the SAMLAssertion parameter (characters of base64). */
export const MAX_SAML_ASSERTION_CHARS = 100_000;
const DEFAULT_DURATION_SECONDS = 3600;
const NAMEID_FORMAT_PREFIX = "urn:oasis:names:tc:SAML:2.0:nameid-format:";
const UNSPECIFIED_NAMEID_FORMAT = "urn:oasis:names:tc:SAML:1.1:nameid-format:unspecified";

interface SamlInput {
  roleArn: string;
  principalArn: string;
  samlAssertion: string;
  durationSeconds: number | undefined;
  policy: string | undefined;
  policyArns: string[];
}

/** Runs AssumeRoleWithSAML; the caller may be anonymous. @throws StsError as AWS would answer. */
export function assumeRoleWithSaml(
  context: UnsignedActionContext,
  params: URLSearchParams,
): XmlElement {
  const input = readInput(params);
  if (!ROLE_ARN.test(input.roleArn))
    throw new StsError("ValidationError", "Request ARN is invalid");
  if (!parseSamlProviderArn(input.principalArn)) {
    throw new StsError("ValidationError", "Principal ARN is invalid");
  }
  checkPartition(input.roleArn, context.partition);
  checkPartition(input.principalArn, context.partition);
  if (input.policy !== undefined && !isJsonObject(input.policy)) {
    throw new StsError("MalformedPolicyDocument", "Syntax errors in policy.");
  }
  const provider = context.world.samlProvider(input.principalArn);
  if (!provider) throw new StsError("InvalidIdentityToken", "Specified provider doesn't exist");

  const assertion = verifySamlResponse(
    input.samlAssertion,
    provider,
    context.now,
    context.partition,
  );
  const claims = readClaims(assertion);
  if (context.record) {
    context.record.roleSessionName = claims.sessionName;
    if (claims.sourceIdentity !== undefined) context.record.sourceIdentity = claims.sourceIdentity;
  }

  const trustContext = samlContext(assertion, claims, provider.account, provider.name);
  const role = findGrantedRole(context, input, claims, trustContext);
  const trusts = (action: string) =>
    evaluatePolicy(role.trust, {
      action,
      resource: role.arn,
      principal: { type: "federated", providerArn: input.principalArn },
      context: trustContext,
    }) === "allow";
  if (claims.sourceIdentity !== undefined && !trusts("sts:SetSourceIdentity")) {
    throw new StsError("AccessDenied", "Not authorized to perform sts:SetSourceIdentity");
  }
  if (claims.tags.length > 0 && !trusts("sts:TagSession")) {
    throw new StsError("AccessDenied", "Not authorized to perform sts:TagSession");
  }
  const packs = input.policy !== undefined || input.policyArns.length > 0 || claims.tags.length > 0;
  const packedPercent = packs
    ? packedPolicyPercent(input.policy, input.policyArns, claims.tags)
    : undefined;
  if (packedPercent !== undefined) checkPackedPercent(packedPercent);

  const duration = sessionDuration(input, claims, role, assertion, context.now);
  if (context.record) context.record.durationSeconds = duration;
  const assumedRoleArn = `arn:${role.partition}:sts::${role.account}:assumed-role/${role.name}/${claims.sessionName}`;
  const assumedRoleId = `${role.roleId}:${claims.sessionName}`;
  const credentials = issueCredentials(context, duration, "AssumeRoleWithSAML", {
    type: "assumed-role",
    arn: assumedRoleArn,
    account: role.account,
    partition: role.partition,
    userId: assumedRoleId,
    roleArn: role.arn,
    roleName: role.name,
    sessionName: claims.sessionName,
    sourceIdentity: claims.sourceIdentity,
    isRoleChained: false,
    transitiveTags: claims.transitiveTags,
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
  v.text("policy", policy, 1, 2048, "sessionPolicy");
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

/**
 * The role, if the Role attribute pairs it with this provider, it exists, and its trust policy
 * allows the provider sts:AssumeRoleWithSAML. All three failures look alike, as they do at AWS.
 */
function findGrantedRole(
  context: UnsignedActionContext,
  input: SamlInput,
  claims: SamlClaims,
  trustContext: ReadonlyMap<string, string>,
): ResolvedRole {
  const role = context.world.roleByArn(input.roleArn);
  const isTrusted =
    role !== undefined &&
    evaluatePolicy(role.trust, {
      action: "sts:AssumeRoleWithSAML",
      resource: role.arn,
      principal: { type: "federated", providerArn: input.principalArn },
      context: trustContext,
    }) === "allow";
  if (!claims.grants.has(`${input.roleArn}|${input.principalArn}`) || !role || !isTrusted) {
    throw new StsError("AccessDenied", "Not authorized to perform sts:AssumeRoleWithSAML");
  }
  return role;
}

/** The SAML context keys a trust policy may test (lowercased), from the verified assertion. */
function samlContext(
  assertion: VerifiedSamlAssertion,
  claims: SamlClaims,
  account: string,
  providerName: string,
): Map<string, string> {
  const context = new Map<string, string>([
    // SAML:aud is the Recipient the assertion was posted to, not its Audience (AWS's rule).
    ["saml:aud", assertion.recipient],
    ["saml:iss", assertion.issuer],
    ["saml:sub", assertion.nameId],
    ["saml:sub_type", subjectType(assertion.nameIdFormat)],
    ["saml:namequalifier", nameQualifier(assertion.issuer, account, providerName)],
  ]);
  if (claims.sourceIdentity !== undefined) context.set("sts:sourceidentity", claims.sourceIdentity);
  return context;
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

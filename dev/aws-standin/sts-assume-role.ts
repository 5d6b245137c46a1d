/**
 * AssumeRole with the limits AWS enforces, checked in three passes like the real service: input
 * constraints (all reported at once), then the role's trust policy and permissions, then the
 * session-duration rules that depend on the role and on how the caller got its credentials.
 */
import { deflateRawSync } from "node:zlib";
import { notAuthorized, StsError } from "./sts-errors";
import { credentialsXml, issueCredentials, type ActionContext } from "./sts-credentials";
import { hasMfaPair, verifyMfaCode } from "./sts-mfa";
import { param, readMemberList, Violations } from "./sts-validation";
import type { XmlElement } from "./sts-xml";
import type { Principal } from "./state";
import type { ResolvedRole } from "./world";

export const ROLE_ARN =
  /^arn:(aws|aws-us-gov|aws-cn):iam::(\d{12}):role\/((?:[\w+=,.@-]+\/)*)([\w+=,.@-]{1,64})$/;
const DEFAULT_DURATION_SECONDS = 3600;
const ROLE_CHAINING_MAX_SECONDS = 3600;
/**
 * AWS packs session policies and tags into a binary form of undisclosed size and reports the
 * result as a percentage. This approximation (deflated bytes against a 2 KiB budget) keeps small
 * inputs small and makes 50 long tags overflow, which is what callers need to handle.
 */
const PACKED_BUDGET_BYTES = 2048;

export interface Tag {
  key: string;
  value: string;
}

interface AssumeRoleInput {
  roleArn: string;
  sessionName: string;
  durationSeconds: number | undefined;
  sourceIdentity: string | undefined;
  policy: string | undefined;
  policyArns: string[];
  tags: Tag[];
  transitiveTagKeys: string[];
  /** SerialNumber and TokenCode, when both were sent. */
  mfa: { serialNumber: string; tokenCode: string } | undefined;
}

/** Runs AssumeRole for the authenticated caller. @throws StsError as AWS would answer. */
export function assumeRole(context: ActionContext, params: URLSearchParams): XmlElement {
  const input = readInput(params);
  recordInput(context, input);
  checkSemantics(input);
  const principal = context.caller.principal;
  // The caller's second factor is authenticated before any policy is evaluated.
  if (input.mfa) verifyMfaCode(context, principal, input.mfa);
  const isMfaAuthenticated =
    input.mfa !== undefined || context.caller.issued?.isMfaAuthenticated === true;
  const role = findTrustingRole(context, input.roleArn, principal);
  // The trust policy's `Bool aws:MultiFactorAuthPresent=true` fails like any unmet condition.
  if (role.requiresMfa === true && !isMfaAuthenticated) {
    throw notAuthorized(principal.arn, "sts:AssumeRole", input.roleArn);
  }

  const sourceIdentity = effectiveSourceIdentity(input, principal, role);
  if (input.tags.length > 0 && !role.allowsTagSession) {
    throw notAuthorized(principal.arn, "sts:TagSession", input.roleArn);
  }

  const isRoleChained = principal.type === "assumed-role";
  const duration = input.durationSeconds ?? DEFAULT_DURATION_SECONDS;
  if (isRoleChained && duration > ROLE_CHAINING_MAX_SECONDS) {
    throw new StsError(
      "ValidationError",
      "The requested DurationSeconds exceeds the 1 hour session limit for roles assumed by role chaining.",
    );
  }
  if (duration > role.maxSessionDurationSeconds) {
    throw new StsError(
      "ValidationError",
      "The requested DurationSeconds exceeds the MaxSessionDuration set for this role.",
    );
  }

  const assumedRoleArn = `arn:aws:sts::${role.account}:assumed-role/${role.name}/${input.sessionName}`;
  const credentials = issueCredentials(
    context,
    duration,
    "AssumeRole",
    {
      type: "assumed-role",
      arn: assumedRoleArn,
      account: role.account,
      userId: `${role.roleId}:${input.sessionName}`,
      roleArn: role.arn,
      roleName: role.name,
      sessionName: input.sessionName,
      sourceIdentity,
      isRoleChained,
    },
    isMfaAuthenticated,
  );
  return {
    Credentials: credentialsXml(credentials),
    AssumedRoleUser: { AssumedRoleId: `${role.roleId}:${input.sessionName}`, Arn: assumedRoleArn },
    PackedPolicySize: packsPolicy(input) ? packedPercent(input) : undefined,
    SourceIdentity: sourceIdentity,
  };
}

function readInput(params: URLSearchParams): AssumeRoleInput {
  const v = new Violations();
  const roleArn = param(params, "RoleArn");
  const sessionName = param(params, "RoleSessionName");
  v.required("roleArn", roleArn);
  v.text("roleArn", roleArn, 20, 2048, "unicodeText");
  v.required("roleSessionName", sessionName);
  v.text("roleSessionName", sessionName, 2, 64, "sessionName");

  const policyArns = readMemberList(params, "PolicyArns").map((fields) => fields.get("arn") ?? "");
  v.listSize("policyArns", policyArns.length, 10);
  policyArns.forEach((arn, i) =>
    v.text(`policyArns.${i + 1}.member.arn`, arn, 20, 2048, "unicodeText"),
  );
  const policy = param(params, "Policy");
  v.text("policy", policy, 1, 2048, "unicodeText");
  const durationSeconds = v.integer(
    "durationSeconds",
    param(params, "DurationSeconds"),
    900,
    43200,
  );

  const tags = readMemberList(params, "Tags").map((fields, i) => {
    const key = fields.get("Key");
    const value = fields.get("Value");
    v.required(`tags.${i + 1}.member.key`, key);
    v.text(`tags.${i + 1}.member.key`, key, 1, 128, "tagKey");
    v.required(`tags.${i + 1}.member.value`, value);
    v.text(`tags.${i + 1}.member.value`, value, 0, 256, "tagValue");
    return { key: key ?? "", value: value ?? "" };
  });
  v.listSize("tags", tags.length, 50);
  const transitiveTagKeys = readMemberList(params, "TransitiveTagKeys").map((f) => f.get("") ?? "");
  v.listSize("transitiveTagKeys", transitiveTagKeys.length, 50);
  transitiveTagKeys.forEach((key, i) =>
    v.text(`transitiveTagKeys.${i + 1}.member`, key, 1, 128, "tagKey"),
  );

  v.text("externalId", param(params, "ExternalId"), 2, 1224, "externalId");
  const serialNumber = param(params, "SerialNumber");
  const tokenCode = param(params, "TokenCode");
  v.text("serialNumber", serialNumber, 9, 256, "serialNumber");
  v.text("tokenCode", tokenCode, 6, 6, "tokenCode");
  // The pattern has no ':', so it also rejects the reserved `aws:` prefix AWS documents.
  const sourceIdentity = param(params, "SourceIdentity");
  v.text("sourceIdentity", sourceIdentity, 2, 64, "sourceIdentity");
  v.throwIfAny();
  const usesMfa = hasMfaPair({ serialNumber, tokenCode });

  return {
    roleArn: roleArn ?? "",
    sessionName: sessionName ?? "",
    durationSeconds,
    sourceIdentity,
    policy,
    policyArns,
    tags,
    transitiveTagKeys,
    mfa: usesMfa ? { serialNumber: serialNumber ?? "", tokenCode: tokenCode ?? "" } : undefined,
  };
}

/** AWS reports PackedPolicySize whenever a session policy, managed policy ARNs or tags were sent. */
function packsPolicy(input: AssumeRoleInput): boolean {
  return input.policy !== undefined || input.policyArns.length > 0 || input.tags.length > 0;
}

/** Puts what tests may check into the call log: tag keys and the policy's size, never values. */
function recordInput(context: ActionContext, input: AssumeRoleInput): void {
  const record = context.record;
  if (!record) return;
  if (input.tags.length > 0) record.tagKeys = input.tags.map((tag) => tag.key.slice(0, 128));
  record.hasPolicy = input.policy !== undefined;
  if (input.policy !== undefined) record.policyLength = input.policy.length;
  if (packsPolicy(input)) record.packedPolicySize = packedPercent(input);
}

function checkSemantics(input: AssumeRoleInput): void {
  if (!ROLE_ARN.test(input.roleArn)) {
    throw new StsError("ValidationError", `${input.roleArn} is invalid`);
  }
  const keys = input.tags.map((tag) => tag.key.toLowerCase());
  if (new Set(keys).size !== keys.length) {
    throw new StsError(
      "InvalidParameterValue",
      "Duplicate tag keys found. Please note that Tag keys are case insensitive.",
    );
  }
  if (input.transitiveTagKeys.some((key) => !keys.includes(key.toLowerCase()))) {
    throw new StsError(
      "InvalidParameterValue",
      "The specified transitive tag key must be included in the requested tags.",
    );
  }
  if (input.policy !== undefined && !isJsonObject(input.policy)) {
    throw new StsError("MalformedPolicyDocument", "Syntax errors in policy.");
  }
  const percent = packedPercent(input);
  if (percent > 100) {
    throw new StsError(
      "PackedPolicyTooLarge",
      `Packed policy consumes ${percent}% of allotted space, please use smaller policy.`,
    );
  }
}

/**
 * The role, if it exists and its trust policy names the caller: the user ARN, or for a role
 * session its assumed-role or role ARN, or the caller's account root. An unknown role is refused
 * with the same AccessDenied as an untrusting one, as AWS does, so existence does not leak.
 */
function findTrustingRole(context: ActionContext, arn: string, principal: Principal): ResolvedRole {
  const m = /^arn:aws:iam::(\d{12}):role\/(.*)$/.exec(arn);
  // The world's roles all live at path "/", so an ARN with a path names a role that does not exist.
  const role = m?.[1] && m[2] && !m[2].includes("/") ? context.world.role(m[1], m[2]) : undefined;
  const names = [principal.arn, `arn:aws:iam::${principal.account}:root`];
  if (principal.type === "assumed-role") names.push(principal.roleArn);
  if (!role || !role.trustedPrincipalArns.some((trusted) => names.includes(trusted))) {
    throw notAuthorized(principal.arn, "sts:AssumeRole", arn);
  }
  return role;
}

/**
 * A source identity, once set, follows the session through role chaining and cannot change; the
 * next role's trust policy must allow sts:SetSourceIdentity either way.
 */
function effectiveSourceIdentity(
  input: AssumeRoleInput,
  principal: Principal,
  role: ResolvedRole,
): string | undefined {
  const inherited = principal.type === "assumed-role" ? principal.sourceIdentity : undefined;
  const requested = input.sourceIdentity;
  const effective = requested ?? inherited;
  if (effective === undefined) return undefined;
  if (
    !role.allowsSourceIdentity ||
    (inherited !== undefined && requested !== undefined && requested !== inherited)
  ) {
    throw notAuthorized(principal.arn, "sts:SetSourceIdentity", input.roleArn);
  }
  return effective;
}

function packedPercent(input: AssumeRoleInput): number {
  return packedPolicyPercent(input.policy, input.policyArns, input.tags);
}

/** PackedPolicySize for a session policy, managed policy ARNs and session tags (see PACKED_BUDGET_BYTES). */
export function packedPolicyPercent(
  policy: string | undefined,
  policyArns: readonly string[],
  tags: readonly Tag[],
): number {
  const packed = deflateRawSync(
    JSON.stringify([policy ?? "", policyArns, tags.map((t) => [t.key, t.value])]),
  );
  return Math.ceil((packed.length * 100) / PACKED_BUDGET_BYTES);
}

export function isJsonObject(text: string): boolean {
  try {
    const parsed: unknown = JSON.parse(text);
    return typeof parsed === "object" && parsed !== null && !Array.isArray(parsed);
  } catch {
    return false;
  }
}

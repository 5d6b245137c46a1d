/**
 * AssumeRole with the limits AWS enforces, checked in passes like the real service: input
 * constraints (all reported at once) and the partition of the role ARN, then the caller's MFA
 * code, the role's trust policy and the caller's identity policy (sts:AssumeRole, then
 * sts:SetSourceIdentity and sts:TagSession as needed), then the session-duration rules that
 * depend on the role and on how the caller got its credentials.
 */
import { deflateRawSync } from "node:zlib";
import { ROLE_ARN } from "./partitions";
import { notAuthorized, StsError } from "./sts-errors";
import { credentialsXml, issueCredentials, type ActionContext } from "./sts-credentials";
import { hasMfaPair, verifyMfaCode } from "./sts-mfa";
import { assumeRoleContext, authorizeAssumeRole, checkPartition } from "./sts-authorize";
import { hasReservedTagPrefix, param, readMemberList, Violations } from "./sts-validation";
import type { XmlElement } from "./sts-xml";

export { ROLE_ARN } from "./partitions";

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
  externalId: string | undefined;
  /** SerialNumber and TokenCode, when both were sent. */
  mfa: { serialNumber: string; tokenCode: string } | undefined;
}

/** Runs AssumeRole for the authenticated caller. @throws StsError as AWS would answer. */
export function assumeRole(context: ActionContext, params: URLSearchParams): XmlElement {
  const input = readInput(params);
  recordInput(context, input);
  checkSemantics(input);
  checkPartition(input.roleArn, context.partition);
  const { caller, world } = context;
  const principal = caller.principal;
  // The caller's second factor is authenticated before any policy is evaluated.
  if (input.mfa) verifyMfaCode(context, principal, input.mfa);
  const isMfaAuthenticated = input.mfa !== undefined || caller.issued?.isMfaAuthenticated === true;
  const inherited = principal.type === "assumed-role" ? principal.sourceIdentity : undefined;
  const sourceIdentity = input.sourceIdentity ?? inherited;
  const role = world.roleByArn(input.roleArn);
  // An unknown role is refused like an untrusting one, as AWS does, so existence does not leak.
  if (!role) throw notAuthorized(principal.arn, "sts:AssumeRole", input.roleArn);
  const requestContext = assumeRoleContext({
    principal,
    // Long-term keys without a code carry no aws:MultiFactorAuthPresent at all (IAM's rule).
    mfaPresent: isMfaAuthenticated ? true : caller.issued !== null ? false : undefined,
    externalId: input.externalId,
    sessionName: input.sessionName,
    sourceIdentity,
  });
  const authorize = (actions: string[]) =>
    authorizeAssumeRole(world, principal, input.roleArn, role, actions, requestContext);
  authorize(["sts:AssumeRole"]);
  // A source identity, once set, follows the session through role chaining and cannot change.
  if (
    inherited !== undefined &&
    input.sourceIdentity !== undefined &&
    input.sourceIdentity !== inherited
  ) {
    throw notAuthorized(principal.arn, "sts:SetSourceIdentity", input.roleArn);
  }
  authorize([
    ...(sourceIdentity !== undefined ? ["sts:SetSourceIdentity"] : []),
    ...(input.tags.length > 0 ? ["sts:TagSession"] : []),
  ]);

  const isRoleChained = principal.type === "assumed-role";
  const duration = input.durationSeconds ?? DEFAULT_DURATION_SECONDS;
  // Any temporary credentials count as a chain here, GetSessionToken sessions (MFA or not)
  // included: AWS caps the role session at one hour whatever signed the caller's session.
  if (caller.issued !== null && duration > ROLE_CHAINING_MAX_SECONDS) {
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

  const assumedRoleArn = `arn:${role.partition}:sts::${role.account}:assumed-role/${role.name}/${input.sessionName}`;
  const credentials = issueCredentials(
    context,
    duration,
    "AssumeRole",
    {
      type: "assumed-role",
      arn: assumedRoleArn,
      account: role.account,
      partition: role.partition,
      userId: `${role.roleId}:${input.sessionName}`,
      roleArn: role.arn,
      roleName: role.name,
      sessionName: input.sessionName,
      sourceIdentity,
      isRoleChained,
    },
    {
      isMfaAuthenticated,
      // IAM User Guide: with DurationSeconds, only a call made with an IAM user's long-term keys
      // yields credentials the federation endpoint accepts.
      canSignInToConsole: input.durationSeconds === undefined || caller.issued === null,
    },
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
  v.text("policy", policy, 1, 2048, "sessionPolicy");
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

  const externalId = param(params, "ExternalId");
  v.text("externalId", externalId, 2, 1224, "externalId");
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
    externalId,
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
  const reserved = input.tags.find(
    (tag) => hasReservedTagPrefix(tag.key) || hasReservedTagPrefix(tag.value),
  );
  if (reserved) {
    // The refusal is documented; the code and wording are a modelled guess (docs/AWS-STANDIN.md).
    throw new StsError(
      "InvalidParameterValue",
      `Session tag keys and values may not begin with the reserved prefix 'aws:' (tag '${reserved.key}').`,
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

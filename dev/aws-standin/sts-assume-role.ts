/**
 * AssumeRole with the limits AWS enforces, checked in passes like the real service: input
 * constraints (all reported at once) and the partition of the role ARN, then the caller's MFA
 * code, the role's trust policy and the caller's identity policy (sts:AssumeRole, then
 * sts:SetSourceIdentity and sts:TagSession as needed), then the session-duration rules that
 * depend on the role and on how the caller got its credentials.
 */
import { ROLE_ARN } from "./partitions";
import type { SessionTag } from "./state";
import { notAuthorized, StsError } from "./sts-errors";
import { credentialsXml, issueCredentials, type ActionContext } from "./sts-credentials";
import { hasMfaPair, verifyMfaCode } from "./sts-mfa";
import { assumeRoleContext, authorizeAssumeRole, checkPartition } from "./sts-authorize";
import { checkPackedPercent, packedPolicyPercent } from "./sts-packed-policy";
import { checkSessionTags, MAX_SESSION_TAGS, nextTransitiveTags } from "./sts-session-tags";
import { param, readMemberList, Violations } from "./sts-validation";
import type { XmlElement } from "./sts-xml";

export { ROLE_ARN } from "./partitions";
export { packedPolicyPercent } from "./sts-packed-policy";

const DEFAULT_DURATION_SECONDS = 3600;
const ROLE_CHAINING_MAX_SECONDS = 3600;

export type Tag = SessionTag;

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
  const { caller, world } = context;
  const principal = caller.principal;
  // A role session passes its transitive tags on to the role it assumes (role chaining).
  const inheritedTags = principal.type === "assumed-role" ? principal.transitiveTags : [];
  recordInput(context, input, inheritedTags);
  checkSemantics(input, inheritedTags);
  checkPartition(input.roleArn, context.partition);
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
      transitiveTags: nextTransitiveTags(input.tags, input.transitiveTagKeys, inheritedTags),
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
    PackedPolicySize: packsPolicy(input, inheritedTags)
      ? packedPercent(input, inheritedTags)
      : undefined,
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
  v.listSize("tags", tags.length, MAX_SESSION_TAGS);
  const transitiveTagKeys = readMemberList(params, "TransitiveTagKeys").map((f) => f.get("") ?? "");
  v.listSize("transitiveTagKeys", transitiveTagKeys.length, MAX_SESSION_TAGS);
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

/**
 * AWS reports PackedPolicySize whenever a session policy, managed policy ARNs or tags were sent;
 * here also when the caller's session passes transitive tags on, since they are packed too.
 */
function packsPolicy(input: AssumeRoleInput, inherited: readonly Tag[]): boolean {
  return (
    input.policy !== undefined ||
    input.policyArns.length > 0 ||
    input.tags.length > 0 ||
    inherited.length > 0
  );
}

/** Puts what tests may check into the call log: tag keys and the policy's size, never values. */
function recordInput(
  context: ActionContext,
  input: AssumeRoleInput,
  inherited: readonly Tag[],
): void {
  const record = context.record;
  if (!record) return;
  if (input.tags.length > 0) record.tagKeys = input.tags.map((tag) => tag.key.slice(0, 128));
  if (inherited.length > 0) record.inheritedTagKeys = inherited.map((tag) => tag.key);
  record.hasPolicy = input.policy !== undefined;
  if (input.policy !== undefined) record.policyLength = input.policy.length;
  if (packsPolicy(input, inherited)) record.packedPolicySize = packedPercent(input, inherited);
}

function checkSemantics(input: AssumeRoleInput, inherited: readonly Tag[]): void {
  if (!ROLE_ARN.test(input.roleArn)) {
    throw new StsError("ValidationError", `${input.roleArn} is invalid`);
  }
  checkSessionTags(input.tags, input.transitiveTagKeys, inherited);
  if (input.policy !== undefined && !isJsonObject(input.policy)) {
    throw new StsError("MalformedPolicyDocument", "Syntax errors in policy.");
  }
  checkPackedPercent(packedPercent(input, inherited));
}

/** The new session's packed size: the inherited transitive tags travel in it too. */
function packedPercent(input: AssumeRoleInput, inherited: readonly Tag[]): number {
  return packedPolicyPercent(input.policy, input.policyArns, [...inherited, ...input.tags]);
}

export function isJsonObject(text: string): boolean {
  try {
    const parsed: unknown = JSON.parse(text);
    return typeof parsed === "object" && parsed !== null && !Array.isArray(parsed);
  } catch {
    return false;
  }
}

import "server-only";
import type { Tag } from "@aws-sdk/client-sts";
import { validateSessionPolicy } from "@/lib/aws/session-policy";
import type { AppConfig } from "@/lib/config";
import { isAppError } from "@/lib/errors";
import {
  MIN_SESSION_SECONDS,
  parseRoleArn,
  PARTITION_FACTS,
  ROLE_CHAINING_MAX_SECONDS,
} from "./partitions";
import type { StsBroker } from "./sts-broker-api";

/**
 * "Check a role" (docs/AWS.md "Check a role"): does for one role what an issuance would — the
 * same SourceIdentity, session tags, session policy and ExternalId, with the shortest session —
 * and says in plain words what is missing. The credentials AWS returns are dropped at once: they
 * never leave this function, are never logged and never stored.
 */

export interface RoleToCheck {
  arn: string;
  accountId: string;
  name: string;
  assumeMethod: string;
  samlProviderArn: string | null;
  externalId: string | null;
  requiresBrokerMfa: boolean;
  /** The role's MaxSessionDuration as Gatehouse knows it. */
  maxSessionDurationSeconds: number;
  /** Its access rules' caps and session policies. */
  rules: Array<{ maxSessionDurationSeconds: number; sessionPolicy: string | null }>;
}

/** Whose identity the check carries: the admin who asked, or the operator's CLI. */
export interface CheckIdentity {
  roleSessionName: string;
  sourceIdentity: string;
}

export type CheckVerdict = "ok" | "problem" | "not-checked";

export interface CheckFinding {
  check: string;
  verdict: CheckVerdict;
  /** Plain words: what was found and, for a problem, what to change where. */
  explanation: string;
  awsErrorCode?: string | null;
}

export interface RoleCheckReport {
  roleArn: string;
  ok: boolean;
  findings: CheckFinding[];
}

/** The permission AWS named in an AccessDenied ("not authorized to perform: sts:TagSession"). */
export function deniedAction(message: string): string | null {
  return /not authorized to perform: (sts:[A-Za-z]+)/.exec(message)?.[1] ?? null;
}

/**
 * Runs the checks. Never throws for an AWS answer: every refusal is a finding.
 * @param deps.broker the portal's broker; deps.config its configuration.
 */
export async function checkRole(
  role: RoleToCheck,
  identity: CheckIdentity,
  deps: { broker: StsBroker; config: AppConfig },
): Promise<RoleCheckReport> {
  const findings: CheckFinding[] = [];
  const done = (): RoleCheckReport => ({
    roleArn: role.arn,
    ok: findings.every((f) => f.verdict !== "problem"),
    findings,
  });
  const brokerPartition = deps.config.aws.partition;

  const parsed = parseRoleArn(role.arn);
  if (!parsed || parsed.partition !== brokerPartition) {
    findings.push({
      check: "partition",
      verdict: "problem",
      explanation: parsed
        ? `The role is in ${PARTITION_FACTS[parsed.partition].name}, but the broker works in ${PARTITION_FACTS[brokerPartition].name}: it can never be assumed from this portal. Run a Gatehouse of its own for that partition.`
        : `${role.arn} is not a role ARN of a supported partition.`,
    });
    return done();
  }
  findings.push({
    check: "partition",
    verdict: "ok",
    explanation: `The role and the broker are both in ${PARTITION_FACTS[brokerPartition].name}.`,
  });

  if (role.assumeMethod !== "assume-role") {
    findings.push({
      check: "trust",
      verdict: "not-checked",
      explanation:
        "This role is assumed with SAML (AssumeRoleWithSAML): only an assertion from the identity provider's AWS app can prove its trust policy. Sign in through that app and open the role to check it end to end.",
    });
    return done();
  }

  let brokerArn = "the broker";
  let isRoleChained = false;
  try {
    const broker = await deps.broker.getBrokerIdentity();
    brokerArn = broker.arn;
    isRoleChained = broker.isAssumedRole;
    findings.push({ check: "broker", verdict: "ok", explanation: `The broker is ${broker.arn}.` });
  } catch (error) {
    findings.push({
      check: "broker",
      verdict: "problem",
      explanation: `The broker's own identity could not be read (GetCallerIdentity): ${reasonOf(error)}. Fix the broker's credentials first.`,
      awsErrorCode: isAppError(error) ? (error.awsErrorCode ?? null) : null,
    });
    return done();
  }

  const tags: Tag[] = deps.config.sessionTags.map((t) => ({
    Key: t.tagKey,
    Value: "gatehouse-check",
  }));
  const policies = [...new Set(role.rules.map((r) => r.sessionPolicy).filter((p) => p !== null))];
  const policy = policies.map((p) => validateSessionPolicy(p)).find((c) => c.ok);
  const request = {
    roleArn: role.arn,
    roleSessionName: identity.roleSessionName,
    sourceIdentity: identity.sourceIdentity,
    durationSeconds: MIN_SESSION_SECONDS,
    externalId: role.externalId,
    requiresBrokerMfa: role.requiresBrokerMfa,
    tags,
    ...(policy?.ok ? { policy: policy.minified } : {}),
  };
  try {
    await deps.broker.assumeRole(request);
    findings.push({
      check: "trust",
      verdict: "ok",
      explanation: `The broker assumed the role as an issuance would: with SourceIdentity${tags.length > 0 ? `, ${tags.length} session tag${tags.length === 1 ? "" : "s"}` : ""}${role.externalId ? ", the ExternalId" : ""}${request.policy ? " and a session policy" : ""}.`,
    });
  } catch (error) {
    findings.push(trustFinding(error, role, brokerArn));
    return done();
  }

  // The longest session any rule allows, as AWS will be asked for it (role chaining — any
  // AssumeRole signed with temporary credentials — caps at 1 h).
  const isCapped =
    isRoleChained ||
    (await deps.broker.capsAtOneHour({ requiresBrokerMfa: role.requiresBrokerMfa }));
  const longest = Math.min(
    Math.max(MIN_SESSION_SECONDS, ...role.rules.map((r) => r.maxSessionDurationSeconds)),
    role.maxSessionDurationSeconds,
    isCapped ? ROLE_CHAINING_MAX_SECONDS : Number.POSITIVE_INFINITY,
  );
  if (longest > MIN_SESSION_SECONDS) {
    try {
      await deps.broker.assumeRole({ ...request, durationSeconds: longest });
      findings.push({
        check: "max-session-duration",
        verdict: "ok",
        explanation: `AWS allows the longest session Gatehouse may ask for (${longest} s).`,
      });
    } catch (error) {
      const message = reasonOf(error);
      findings.push({
        check: "max-session-duration",
        verdict: "problem",
        explanation: /MaxSessionDuration/i.test(message)
          ? `The role's MaxSessionDuration in IAM is shorter than the ${longest} s Gatehouse may ask for: raise it in IAM, or lower the role's maximum session in Gatehouse to match.`
          : `A ${longest}-second session was refused: ${message}`,
        awsErrorCode: isAppError(error) ? (error.awsErrorCode ?? null) : null,
      });
    }
  }
  return done();
}

function trustFinding(error: unknown, role: RoleToCheck, brokerArn: string): CheckFinding {
  const awsErrorCode = isAppError(error) ? (error.awsErrorCode ?? null) : null;
  const message = reasonOf(error);
  const base = { check: "trust", verdict: "problem" as const, awsErrorCode };
  if (isAppError(error) && error.code === "broker_locked")
    return {
      ...base,
      explanation:
        "The role requires the broker's MFA session and the broker is locked: unlock it above, then check again.",
    };
  if (awsErrorCode === "AccessDenied") {
    const action = deniedAction(message);
    if (action === "sts:SetSourceIdentity")
      return {
        ...base,
        explanation: `Gatehouse sets a SourceIdentity on every session, and AWS refused it: allow sts:SetSourceIdentity for ${brokerArn} in the role's trust policy AND in the broker's own permission policy.`,
      };
    if (action === "sts:TagSession")
      return {
        ...base,
        explanation: `Gatehouse passes session tags (GATEHOUSE_SESSION_TAGS), and AWS refused them: allow sts:TagSession for ${brokerArn} in the role's trust policy AND in the broker's own permission policy.`,
      };
    return {
      ...base,
      explanation: `The broker may not assume this role. Check that the role's trust policy allows sts:AssumeRole for ${brokerArn}${role.externalId ? " with the sts:ExternalId set for this role in Gatehouse" : " without an sts:ExternalId condition (none is set for this role in Gatehouse)"}${role.requiresBrokerMfa ? "" : ', that it does not require MFA (if it does, mark the role "requires broker MFA")'}, and that the broker's permission policy allows sts:AssumeRole on ${role.arn}.`,
    };
  }
  if (awsErrorCode === "PackedPolicyTooLarge" || awsErrorCode === "MalformedPolicyDocument")
    return {
      ...base,
      explanation: `AWS refused the session policy or tags of this role's rules (${awsErrorCode}): ${message}`,
    };
  return { ...base, explanation: `The check could not complete: ${message}` };
}

function reasonOf(error: unknown): string {
  if (isAppError(error)) return (error.internalReason ?? error.publicMessage).slice(0, 500);
  return error instanceof Error ? error.message.slice(0, 500) : String(error);
}

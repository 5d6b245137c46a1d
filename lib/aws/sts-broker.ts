import "server-only";
import {
  AssumeRoleCommand,
  AssumeRoleWithSAMLCommand,
  GetCallerIdentityCommand,
  STSClient,
  type Credentials,
  type Tag,
} from "@aws-sdk/client-sts";
import type { AppConfig } from "@/lib/config";
import { appErrorFromAws } from "./aws-errors";
import type { TemporaryCredentials } from "./credential-formats";

/** AWS caps every AssumeRole made with role credentials ("role chaining") at one hour. */
export const ROLE_CHAINING_MAX_SECONDS = 3600;
const BROKER_IDENTITY_TTL_MS = 5 * 60 * 1000;

export interface AssumeRoleRequest {
  roleArn: string;
  roleSessionName: string;
  sourceIdentity: string;
  durationSeconds: number;
  externalId?: string | null;
  tags?: Tag[];
  /** An inline session policy (minified JSON) narrowing the role for this session. */
  policy?: string;
}

export interface AssumedRole {
  credentials: TemporaryCredentials;
  assumedRoleArn: string;
  /** The duration actually requested, after the role-chaining cap. */
  durationSeconds: number;
  /** True when the broker itself runs on role credentials, so AWS caps sessions at one hour. */
  isRoleChained: boolean;
  /** The SourceIdentity AWS recorded for the session, if any. */
  sourceIdentity: string | null;
}

export interface BrokerIdentity {
  arn: string;
  account: string;
  isAssumedRole: boolean;
}

export interface AssumeRoleWithSamlRequest {
  roleArn: string;
  principalArn: string;
  /** The base64 SAML Response exactly as the IdP posted it. A bearer secret: never logged. */
  samlAssertion: string;
  durationSeconds: number;
  /** An inline session policy (minified JSON) narrowing the role for this session. */
  policy?: string;
}

export interface StsBroker {
  assumeRole(request: AssumeRoleRequest): Promise<AssumedRole>;
  /** AssumeRoleWithSAML needs no broker credentials: the SDK sends it unsigned. */
  assumeRoleWithSaml(request: AssumeRoleWithSamlRequest): Promise<AssumedRole>;
  getBrokerIdentity(): Promise<BrokerIdentity>;
}

/**
 * The one module that talks to AWS STS with the portal's broker credentials: explicit keys from
 * configuration, or the AWS default credential chain (instance profile, ECS task role, IRSA, …).
 * Every parameter comes from the caller's resolved grant, never from the HTTP request.
 */
export function createStsBroker(aws: AppConfig["aws"]): StsBroker {
  const client = new STSClient({
    region: aws.region,
    endpoint: aws.stsEndpoints[0],
    ...(aws.brokerCredentials ? { credentials: aws.brokerCredentials } : {}),
    maxAttempts: 3,
  });

  let identityCache: { value: BrokerIdentity; fetchedAt: number } | undefined;

  async function getBrokerIdentity(): Promise<BrokerIdentity> {
    if (identityCache && Date.now() - identityCache.fetchedAt < BROKER_IDENTITY_TTL_MS)
      return identityCache.value;
    let out;
    try {
      out = await client.send(new GetCallerIdentityCommand({}));
    } catch (error) {
      throw appErrorFromAws(error, "GetCallerIdentity");
    }
    const arn = out.Arn ?? "";
    const value = {
      arn,
      account: out.Account ?? "",
      isAssumedRole: /^arn:aws[\w-]*:sts::\d{12}:assumed-role\//.test(arn),
    };
    identityCache = { value, fetchedAt: Date.now() };
    return value;
  }

  async function assumeRole(request: AssumeRoleRequest): Promise<AssumedRole> {
    const broker = await getBrokerIdentity();
    const durationSeconds = broker.isAssumedRole
      ? Math.min(request.durationSeconds, ROLE_CHAINING_MAX_SECONDS)
      : request.durationSeconds;
    let out;
    try {
      out = await client.send(
        new AssumeRoleCommand({
          RoleArn: request.roleArn,
          RoleSessionName: request.roleSessionName,
          SourceIdentity: request.sourceIdentity,
          DurationSeconds: durationSeconds,
          ...(request.externalId ? { ExternalId: request.externalId } : {}),
          ...(request.tags && request.tags.length > 0 ? { Tags: request.tags } : {}),
          ...(request.policy ? { Policy: request.policy } : {}),
        }),
      );
    } catch (error) {
      throw appErrorFromAws(error, "AssumeRole");
    }
    return {
      credentials: credentialsFrom(out.Credentials, "AssumeRole"),
      assumedRoleArn: out.AssumedRoleUser?.Arn ?? "",
      durationSeconds,
      isRoleChained: broker.isAssumedRole,
      sourceIdentity: out.SourceIdentity ?? request.sourceIdentity,
    };
  }

  async function assumeRoleWithSaml(request: AssumeRoleWithSamlRequest): Promise<AssumedRole> {
    let out;
    try {
      out = await client.send(
        new AssumeRoleWithSAMLCommand({
          RoleArn: request.roleArn,
          PrincipalArn: request.principalArn,
          SAMLAssertion: request.samlAssertion.replace(/\s+/g, ""),
          DurationSeconds: request.durationSeconds,
          ...(request.policy ? { Policy: request.policy } : {}),
        }),
      );
    } catch (error) {
      throw appErrorFromAws(error, "AssumeRoleWithSAML");
    }
    return {
      credentials: credentialsFrom(out.Credentials, "AssumeRoleWithSAML"),
      assumedRoleArn: out.AssumedRoleUser?.Arn ?? "",
      durationSeconds: request.durationSeconds,
      isRoleChained: false,
      sourceIdentity: out.SourceIdentity ?? null,
    };
  }

  return { assumeRole, assumeRoleWithSaml, getBrokerIdentity };
}

function credentialsFrom(c: Credentials | undefined, action: string): TemporaryCredentials {
  if (!c?.AccessKeyId || !c.SecretAccessKey || !c.SessionToken || !c.Expiration) {
    throw appErrorFromAws(
      { name: "InternalFailure", message: `${action} returned no credentials` },
      action,
    );
  }
  return {
    accessKeyId: c.AccessKeyId,
    secretAccessKey: c.SecretAccessKey,
    sessionToken: c.SessionToken,
    expiration: c.Expiration,
  };
}

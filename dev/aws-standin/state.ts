/**
 * The stand-in's memory: temporary credentials it issued, console sign-in tokens, and the logs of
 * STS, federation, IAM and Organizations calls tests inspect. Everything lives in process memory and dies with the server.
 */
import { createHash, timingSafeEqual } from "node:crypto";
import type { StandinPartition } from "./partitions";

/** A session tag (AssumeRole `Tags`, or a SAML `PrincipalTag:` attribute). */
export interface SessionTag {
  key: string;
  value: string;
}

/** Who a request acts as, after its signature verified. */
export type Principal =
  | { type: "user"; arn: string; account: string; partition: StandinPartition; userId: string }
  | {
      type: "assumed-role";
      /** `arn:<partition>:sts::<account>:assumed-role/<role>/<session>` */
      arn: string;
      account: string;
      /** Credentials work only in the partition that issued them. */
      partition: StandinPartition;
      /** `AROA…:<session>` */
      userId: string;
      roleArn: string;
      roleName: string;
      sessionName: string;
      sourceIdentity: string | undefined;
      /** Issued to a caller that was itself an assumed role: AWS caps such sessions at 1 hour. */
      isRoleChained: boolean;
      /**
       * The session tags this session passes on to a role it assumes (role chaining): the ones its
       * own AssumeRole named in TransitiveTagKeys, plus those it inherited itself.
       */
      transitiveTags: readonly SessionTag[];
    };

export interface IssuedCredentials {
  accessKeyId: string;
  secretAccessKey: string;
  sessionToken: string;
  /** Whole seconds, exactly what the response's `Expiration` says. */
  expiration: Date;
  issuedBy: "AssumeRole" | "AssumeRoleWithSAML" | "GetSessionToken";
  principal: Principal;
  /**
   * `aws:MultiFactorAuthPresent` for requests signed with these credentials: issued by
   * GetSessionToken or AssumeRole with a valid MFA code, or by AssumeRole from such a session.
   */
  isMfaAuthenticated: boolean;
  /**
   * Whether the federation endpoint trades these credentials for a console sign-in token. AWS
   * refuses credentials from an AssumeRole that carried DurationSeconds unless that call was
   * signed with an IAM user's long-term keys (IAM User Guide, custom identity broker).
   */
  canSignInToConsole: boolean;
}

/** The caller of an STS request: long-term keys (`issued` null) or credentials the stand-in issued. */
export interface Caller {
  accessKeyId: string;
  principal: Principal;
  issued: IssuedCredentials | null;
}

/** One STS request as tests see it: identifiers only, never a secret. */
export interface StsCallRecord {
  /** The STS endpoint the request arrived on: "default" or one of `stsEndpointNames`. */
  endpoint: string;
  /**
   * The region the request was held to: the Host's when it is an AWS STS host name that names
   * one, else the endpoint's. Its partition is the one the request acted in.
   */
  region: string;
  /** The region of the SigV4 credential scope as sent (signed requests that got that far). */
  signingRegion?: string;
  /** Where the SigV4 signature travelled: the Authorization header or the query string (presigned). */
  sigv4?: "header" | "query";
  /** The injected fault that shaped the answer (e.g. "throttle", "latency+serverError"), if any. */
  fault?: string;
  action: string | null;
  /** Null when the request was unsigned (AssumeRoleWithSAML) or failed before authentication. */
  callerArn: string | null;
  /** Access key ids are not secret (CloudTrail logs them); they tell the broker's calls apart. */
  accessKeyId: string | null;
  roleArn?: string;
  /** AssumeRoleWithSAML: the SAML provider ARN sent as PrincipalArn. */
  principalArn?: string;
  /** AssumeRole: as requested; AssumeRoleWithSAML: from the verified assertion. */
  roleSessionName?: string;
  sourceIdentity?: string;
  /** The MFA device serial sent with GetSessionToken or AssumeRole (never the code). */
  serialNumber?: string;
  /** As requested; for a successful AssumeRoleWithSAML, the duration actually granted. */
  durationSeconds?: number;
  /** AssumeRole: the session tag keys sent, in order (keys only: values stay out of the log). */
  tagKeys?: string[];
  /** AssumeRole: the keys of the transitive tags the caller's session passed on to this one. */
  inheritedTagKeys?: string[];
  /** AssumeRole: whether an inline session policy (`Policy`) was sent. */
  hasPolicy?: boolean;
  /** AssumeRole: the session policy's length in characters, when one was sent. */
  policyLength?: number;
  /**
   * AssumeRole with a policy or tags: the PackedPolicySize percentage, as answered on success or
   * as computed when the call failed with PackedPolicyTooLarge.
   */
  packedPolicySize?: number;
  errorCode: string | null;
  at: string;
}

/** One IAM or Organizations request as tests see it: identifiers only, never a secret. */
export interface ServiceCallRecord {
  service: "organizations" | "iam";
  /** The IAM Action or Organizations operation as sent ("" when the request named none). */
  action: string;
  /** Null when the request failed before its signature was verified. */
  callerArn: string | null;
  errorCode: string | null;
  at: string;
}

/** One federation endpoint request as tests see it. */
export interface FederationCallRecord {
  action: string | null;
  accessKeyId: string | null;
  errorCode: string | null;
  at: string;
}

export interface SigninTokenRecord {
  accessKeyId: string;
  issuedAt: Date;
  /** Requested SessionDuration, or undefined to last as long as the credentials. */
  sessionDurationSeconds: number | undefined;
  isUsed: boolean;
}

// Bounds keep a long-running demo from growing without limit; the oldest entries go first.
const MAX_CREDENTIALS = 50_000;
const MAX_SIGNIN_TOKENS = 10_000;
const MAX_CALLS = 10_000;
const MAX_USED_MFA_CODES = 10_000;

export class StandinState {
  private readonly credentials = new Map<string, IssuedCredentials>();
  private readonly signinTokens = new Map<string, SigninTokenRecord>();
  readonly stsCalls: StsCallRecord[] = [];
  readonly federationCalls: FederationCallRecord[] = [];
  readonly serviceCalls: ServiceCallRecord[] = [];
  /** `serial#step` of MFA codes already accepted, for AwsStandinOptions.rejectReusedMfaCodes. */
  private readonly usedMfaCodes = new Set<string>();

  rememberCredentials(credentials: IssuedCredentials): void {
    this.credentials.set(credentials.accessKeyId, credentials);
    evictOldest(this.credentials, MAX_CREDENTIALS);
  }

  findCredentials(accessKeyId: string): IssuedCredentials | undefined {
    return this.credentials.get(accessKeyId);
  }

  rememberSigninToken(token: string, record: SigninTokenRecord): void {
    this.signinTokens.set(token, record);
    evictOldest(this.signinTokens, MAX_SIGNIN_TOKENS);
  }

  findSigninToken(token: string): SigninTokenRecord | undefined {
    return this.signinTokens.get(token);
  }

  /** Marks an MFA device's code for `step` used; false when it already was. */
  useMfaCode(serialNumber: string, step: number): boolean {
    const key = `${serialNumber}#${step}`;
    if (this.usedMfaCodes.has(key)) return false;
    this.usedMfaCodes.add(key);
    if (this.usedMfaCodes.size > MAX_USED_MFA_CODES) {
      const oldest = this.usedMfaCodes.values().next();
      if (!oldest.done) this.usedMfaCodes.delete(oldest.value);
    }
    return true;
  }

  recordStsCall(record: StsCallRecord): void {
    pushBounded(this.stsCalls, record, MAX_CALLS);
  }

  recordFederationCall(record: FederationCallRecord): void {
    pushBounded(this.federationCalls, record, MAX_CALLS);
  }

  recordServiceCall(record: ServiceCallRecord): void {
    pushBounded(this.serviceCalls, record, MAX_CALLS);
  }

  resetCalls(): void {
    this.stsCalls.length = 0;
    this.federationCalls.length = 0;
    this.serviceCalls.length = 0;
  }
}

/**
 * Compares two secrets in constant time. Hashing first makes the inputs equal-length, so neither
 * the comparison nor an early length check reveals how much of a guess was right.
 */
export function secretsEqual(a: string, b: string): boolean {
  const digestA = createHash("sha256").update(a).digest();
  const digestB = createHash("sha256").update(b).digest();
  return timingSafeEqual(digestA, digestB);
}

function evictOldest<K, V>(map: Map<K, V>, max: number): void {
  while (map.size > max) {
    const oldest = map.keys().next();
    if (oldest.done) return;
    map.delete(oldest.value);
  }
}

function pushBounded<T>(list: T[], item: T, max: number): void {
  list.push(item);
  if (list.length > max) list.splice(0, list.length - max);
}

/**
 * Issuing temporary credentials: shared by AssumeRole and GetSessionToken, remembered so later
 * requests signed with them (and the federation endpoint) can recognise them.
 */
import { newSecretAccessKey, newSessionToken, newTemporaryAccessKeyId } from "./ids";
import type { StandinPartition } from "./partitions";
import type { Caller, IssuedCredentials, Principal, StandinState, StsCallRecord } from "./state";
import type { XmlElement } from "./sts-xml";
import type { WorldIndex } from "./world";

/** What an action handler may use. */
export interface ActionContext {
  caller: Caller;
  world: WorldIndex;
  state: StandinState;
  now: Date;
  /** The region the request is held to (see StsCallRecord.region). */
  region: string;
  /** That region's partition: the one whose principals, roles and ARNs the request deals in. */
  partition: StandinPartition;
  /** Refuse an MFA code already accepted for its device and step, as AWS does (opt-in). */
  rejectReusedMfaCodes: boolean;
  /**
   * The call-log entry of this request, for actions whose identifiers only become known while
   * they run (AssumeRoleWithSAML reads its session name from the assertion). Never secrets.
   */
  record?: StsCallRecord;
}

/** The context of an action that also accepts unsigned requests: then `caller` is null. */
export interface UnsignedActionContext extends Omit<ActionContext, "caller"> {
  caller: Caller | null;
}

/**
 * Creates, remembers and returns credentials valid for `durationSeconds` from `now`;
 * `isMfaAuthenticated` becomes `aws:MultiFactorAuthPresent` for requests signed with them, and
 * `canSignInToConsole` (default true) says whether the federation endpoint accepts them.
 */
export function issueCredentials(
  context: Pick<ActionContext, "state" | "now">,
  durationSeconds: number,
  issuedBy: IssuedCredentials["issuedBy"],
  principal: Principal,
  { isMfaAuthenticated = false, canSignInToConsole = true } = {},
): IssuedCredentials {
  // Whole seconds, so the expiry the stand-in enforces is exactly the one it reported.
  const expiresAtMs = Math.floor(context.now.getTime() / 1000) * 1000 + durationSeconds * 1000;
  const credentials: IssuedCredentials = {
    accessKeyId: newTemporaryAccessKeyId(),
    secretAccessKey: newSecretAccessKey(),
    sessionToken: newSessionToken(),
    expiration: new Date(expiresAtMs),
    issuedBy,
    principal,
    isMfaAuthenticated,
    canSignInToConsole,
  };
  context.state.rememberCredentials(credentials);
  return credentials;
}

/** The `<Credentials>` element. */
export function credentialsXml(credentials: IssuedCredentials): XmlElement {
  return {
    AccessKeyId: credentials.accessKeyId,
    SecretAccessKey: credentials.secretAccessKey,
    SessionToken: credentials.sessionToken,
    Expiration: isoSeconds(credentials.expiration),
  };
}

/** ISO 8601 UTC without milliseconds, as STS writes `Expiration`. */
export function isoSeconds(date: Date): string {
  return date.toISOString().replace(/\.\d{3}Z$/, "Z");
}

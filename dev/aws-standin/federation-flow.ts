/**
 * The two federation actions as AWS documents them. `getSigninToken` accepts only credentials
 * this stand-in issued through AssumeRole or AssumeRoleWithSAML (and of those from an AssumeRole
 * with DurationSeconds, only ones a long-term IAM user key asked for); `login` spends a fresh
 * token on an allowlisted console destination. Failures carry a stable code for tests (the call
 * log, the `x-standin-error-code` header, `data-error-code`).
 */
import { isHttpUrl, parseConsoleDestination } from "./console-hosts";
import { renderConsolePage } from "./console-page";
import { newSigninToken } from "./ids";
import {
  secretsEqual,
  type FederationCallRecord,
  type IssuedCredentials,
  type StandinState,
} from "./state";
import { isoSeconds } from "./sts-credentials";

const SIGNIN_TOKEN_TTL_MS = 15 * 60 * 1000;
const ROLE_CHAINING_MAX_SECONDS = 3600;

export interface FederationContext {
  state: StandinState;
  consoleHosts: readonly string[];
  now: Date;
  /** Filled in as soon as the request names credentials, for the call log. */
  record: FederationCallRecord;
}

/** Why a federation request failed; `code` is what tests and the call log see. */
export class FederationError extends Error {
  constructor(
    readonly code: string,
    message: string,
  ) {
    super(message);
    this.name = "FederationError";
  }
}

/**
 * Issues a sign-in token for credentials the stand-in issued through AssumeRole*.
 * SessionDuration (900–43,200) is optional; role-chained credentials allow at most 3,600.
 * GetSessionToken credentials are refused: AWS does not allow console sign-in with them. So are
 * credentials from an AssumeRole that carried DurationSeconds and was signed with anything but an
 * IAM user's long-term keys (IAM User Guide, "Enable custom identity broker access to the AWS
 * console": such a call to the federation endpoint fails).
 */
export function getSigninToken(params: URLSearchParams, context: FederationContext): string {
  const { state, now, record } = context;
  const session = params.get("Session");
  if (session === null) throw new FederationError("MissingParameter", "Session is required.");
  const triple = parseSession(session);
  record.accessKeyId = triple.sessionId;

  const issued = state.findCredentials(triple.sessionId);
  // Evaluate both comparisons so a wrong key and a wrong token take the same time.
  const keyMatches = secretsEqual(issued?.secretAccessKey ?? "", triple.sessionKey);
  const tokenMatches = secretsEqual(issued?.sessionToken ?? "", triple.sessionToken);
  if (!issued || !keyMatches || !tokenMatches) {
    throw new FederationError("InvalidCredentials", "The credentials in Session are not valid.");
  }
  if (issued.expiration.getTime() <= now.getTime()) {
    throw new FederationError("ExpiredCredentials", "The credentials in Session have expired.");
  }
  if (issued.issuedBy === "GetSessionToken" || issued.principal.type !== "assumed-role") {
    throw new FederationError(
      "UnsupportedCredentials",
      "Console sign-in needs credentials from AssumeRole*; GetSessionToken credentials cannot sign in.",
    );
  }
  if (!issued.canSignInToConsole) {
    throw new FederationError(
      "DurationSecondsNeedsLongTermKeys",
      "These credentials came from an AssumeRole call with DurationSeconds made with temporary " +
        "credentials; only an IAM user's long-term keys may set DurationSeconds for console sign-in.",
    );
  }
  const duration = parseSessionDuration(
    params.get("SessionDuration"),
    issued.principal.isRoleChained,
  );

  const token = newSigninToken();
  state.rememberSigninToken(token, {
    accessKeyId: issued.accessKeyId,
    issuedAt: now,
    sessionDurationSeconds: duration,
    isUsed: false,
  });
  return token;
}

function parseSession(session: string): {
  sessionId: string;
  sessionKey: string;
  sessionToken: string;
} {
  let parsed: unknown;
  try {
    parsed = JSON.parse(session);
  } catch {
    throw new FederationError("MalformedSession", "Session must be JSON.");
  }
  const { sessionId, sessionKey, sessionToken } = (parsed ?? {}) as Record<string, unknown>;
  if (
    typeof sessionId !== "string" ||
    typeof sessionKey !== "string" ||
    typeof sessionToken !== "string"
  ) {
    throw new FederationError(
      "MalformedSession",
      "Session needs sessionId, sessionKey and sessionToken strings.",
    );
  }
  return { sessionId, sessionKey, sessionToken };
}

function parseSessionDuration(raw: string | null, isRoleChained: boolean): number | undefined {
  if (raw === null) return undefined;
  const seconds = /^\d{1,6}$/.test(raw) ? Number(raw) : NaN;
  const max = isRoleChained ? ROLE_CHAINING_MAX_SECONDS : 43200;
  if (!(seconds >= 900 && seconds <= max)) {
    throw new FederationError(
      "InvalidSessionDuration",
      isRoleChained
        ? "SessionDuration must be 900–3600 for role-chained credentials."
        : "SessionDuration must be between 900 and 43200.",
    );
  }
  return seconds;
}

/**
 * Spends a fresh sign-in token on a console landing page. Destination and Issuer are checked
 * before the token is touched, so a malformed link does not burn a token.
 */
export function login(params: URLSearchParams, context: FederationContext): string {
  const { state, now, record } = context;
  const token = params.get("SigninToken");
  const destination = params.get("Destination");
  const issuer = params.get("Issuer");
  if (token === null || destination === null || issuer === null) {
    throw new FederationError(
      "MissingParameter",
      "SigninToken, Destination and Issuer are required.",
    );
  }
  const landing = parseConsoleDestination(destination, context.consoleHosts);
  if (landing === null) {
    throw new FederationError("InvalidDestination", "Destination is not an AWS console URL.");
  }
  if (!isHttpUrl(issuer)) {
    throw new FederationError("InvalidIssuer", "Issuer must be an http(s) URL.");
  }

  const signin = state.findSigninToken(token);
  if (!signin) throw new FederationError("InvalidSigninToken", "The sign-in token is not valid.");
  record.accessKeyId = signin.accessKeyId;
  if (signin.isUsed) {
    throw new FederationError("SigninTokenUsed", "The sign-in token was already used.");
  }
  if (now.getTime() - signin.issuedAt.getTime() > SIGNIN_TOKEN_TTL_MS) {
    throw new FederationError("SigninTokenExpired", "The sign-in token has expired.");
  }
  const issued = state.findCredentials(signin.accessKeyId);
  if (!issued || issued.principal.type !== "assumed-role") {
    throw new FederationError("InvalidSigninToken", "The sign-in token is not valid.");
  }
  // A console session exists only in the partition that issued the credentials: another
  // partition's console would not know it (and would ask for a sign-in of its own).
  if (landing.partition !== issued.principal.partition) {
    throw new FederationError(
      "DestinationInOtherPartition",
      `Destination is a console of the ${landing.partition} partition; these credentials are of ${issued.principal.partition}.`,
    );
  }
  signin.isUsed = true;

  const principal = issued.principal;
  return renderConsolePage({
    account: principal.account,
    roleName: principal.roleName,
    sessionName: principal.sessionName,
    arn: principal.arn,
    sourceIdentity: principal.sourceIdentity,
    region: landing.region,
    destination: landing.url.href,
    issuer: new URL(issuer).href,
    sessionExpiresAt: isoSeconds(consoleSessionEnd(issued, signin.sessionDurationSeconds, now)),
  });
}

/** With SessionDuration the console session has its own length; without, it ends with the credentials. */
function consoleSessionEnd(
  issued: IssuedCredentials,
  durationSeconds: number | undefined,
  now: Date,
): Date {
  return durationSeconds === undefined
    ? issued.expiration
    : new Date(now.getTime() + durationSeconds * 1000);
}

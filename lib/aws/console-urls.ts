import "server-only";

import { isAllowedConsoleDestination } from "./console-hosts";
import { MAX_SESSION_SECONDS, MIN_SESSION_SECONDS } from "./partitions";

export { isAllowedConsoleDestination };

/**
 * Console federation URLs (docs/AWS.md "Console sign-in", docs/AWS-STANDIN.md "Console federation").
 *
 * The login URL sends the user's browser, carrying a bearer sign-in token, to a destination of our
 * choosing; the destination allowlist keeps that from ever being anything but an AWS console host.
 */

/** A console path below the host: lower-case segments such as `ec2`, `cloudwatch`, `s3`. */

/** getSigninToken's SessionDuration range: the same as any STS session's. */
export const MIN_CONSOLE_SESSION_SECONDS = MIN_SESSION_SECONDS;
export const MAX_CONSOLE_SESSION_SECONDS = MAX_SESSION_SECONDS;

/** The federation login refused a destination outside the AWS console allowlist. */
export class ConsoleDestinationNotAllowedError extends Error {
  override readonly name = "ConsoleDestinationNotAllowedError";

  constructor() {
    super("destination is not an allowed AWS console URL");
  }
}

/**
 * The `Action=getSigninToken` request URL. `Session` is the JSON
 * `{"sessionId","sessionKey","sessionToken"}`; `SessionDuration` is sent only when given. The URL
 * carries the secret key: never log it.
 * @throws RangeError if `sessionDurationSeconds` is not an integer in 900..43,200.
 * @throws TypeError if the endpoint is not a usable federation URL or a credential is empty.
 */
export function getSigninTokenUrl(
  federationEndpoint: string,
  creds: { accessKeyId: string; secretAccessKey: string; sessionToken: string },
  sessionDurationSeconds?: number,
): URL {
  const url = parseFederationEndpoint(federationEndpoint);
  if (
    sessionDurationSeconds !== undefined &&
    !(
      Number.isInteger(sessionDurationSeconds) &&
      sessionDurationSeconds >= MIN_CONSOLE_SESSION_SECONDS &&
      sessionDurationSeconds <= MAX_CONSOLE_SESSION_SECONDS
    )
  ) {
    throw new RangeError(
      `SessionDuration must be an integer from ${MIN_CONSOLE_SESSION_SECONDS} to ${MAX_CONSOLE_SESSION_SECONDS}`,
    );
  }
  if (!creds.accessKeyId || !creds.secretAccessKey || !creds.sessionToken) {
    throw new TypeError("credentials must not be empty");
  }

  const params = new URLSearchParams({ Action: "getSigninToken" });
  if (sessionDurationSeconds !== undefined)
    params.set("SessionDuration", String(sessionDurationSeconds));
  params.set(
    "Session",
    JSON.stringify({
      sessionId: creds.accessKeyId,
      sessionKey: creds.secretAccessKey,
      sessionToken: creds.sessionToken,
    }),
  );
  url.search = params.toString();
  return url;
}

/**
 * The `Action=login` URL the user's browser follows into the console. It carries the sign-in token, a
 * bearer secret valid for about 15 minutes: return it with `no-store`, never log it. The destination is
 * passed on in its normalized form.
 * @throws ConsoleDestinationNotAllowedError if the destination fails {@link isAllowedConsoleDestination}.
 * @throws TypeError if the endpoint or issuer is not an http(s) URL or the sign-in token is empty.
 */
export function federationLoginUrl(
  federationEndpoint: string,
  opts: { issuer: string; destination: string; signinToken: string },
): URL {
  const url = parseFederationEndpoint(federationEndpoint);
  if (!isAllowedConsoleDestination(opts.destination)) throw new ConsoleDestinationNotAllowedError();
  if (!isHttpUrl(opts.issuer)) throw new TypeError("issuer must be an http(s) URL");
  if (!opts.signinToken) throw new TypeError("signinToken must not be empty");

  url.search = new URLSearchParams({
    Action: "login",
    Issuer: opts.issuer,
    Destination: new URL(opts.destination).href,
    SigninToken: opts.signinToken,
  }).toString();
  return url;
}

const LOOPBACK_HOSTS = new Set(["localhost", "127.0.0.1", "[::1]"]);

/**
 * The configured federation endpoint (AWS's, or the local stand-in in tests). It must be `https:`,
 * except plain `http:` on a loopback host, and have no user info, query or fragment of its own.
 */
function parseFederationEndpoint(endpoint: string): URL {
  let url: URL;
  try {
    url = new URL(endpoint);
  } catch {
    throw new TypeError("federation endpoint is not a URL");
  }
  const isLoopbackHttp = url.protocol === "http:" && LOOPBACK_HOSTS.has(url.hostname);
  if (
    (url.protocol !== "https:" && !isLoopbackHttp) ||
    url.username !== "" ||
    url.password !== "" ||
    url.search !== "" ||
    url.hash !== ""
  ) {
    throw new TypeError("federation endpoint must be an https URL without query or credentials");
  }
  return url;
}

function isHttpUrl(value: string): boolean {
  try {
    const url = new URL(value);
    return (
      (url.protocol === "https:" || url.protocol === "http:") &&
      url.username === "" &&
      url.password === ""
    );
  } catch {
    return false;
  }
}

import type * as OpenIdClientModule from "openid-client";
import type { Configuration, DeviceAuthorizationResponse } from "openid-client";

import type { SavedSignIn } from "./config-store";
import { isRecord } from "./config-store";
import { CliError, EXIT, exitCodeForStatus } from "./exit-codes";
import { REQUEST_TIMEOUT_MS, networkReason, portalError, printable } from "./portal-client";
import { isInsecureLoopback } from "./portal-url";
import { USER_AGENT } from "./version";

/**
 * The Device Authorization Grant (RFC 8628) against the portal, through openid-client
 * (docs/API.md "Signing the CLI in"). Loaded only by `gatehouse login`.
 */

/** The client the portal knows: public, no secret (docs/API.md). */
export const CLIENT_ID = "gatehouse-cli";

export const DENIED_MESSAGE = "The request was denied in the browser.";
export const EXPIRED_MESSAGE =
  "The code expired before it was approved; run gatehouse login again.";

type OpenIdClient = typeof OpenIdClientModule;

export interface DeviceLogin {
  authorization: DeviceAuthorizationResponse;
  /** Polls until the person approves or denies; resolves with what login saves. */
  waitForApproval(): Promise<SavedSignIn>;
}

export async function startDeviceLogin(
  portalUrl: string,
  params: { deviceName: string; loginHint?: string },
  now: () => Date,
  fetchImpl: typeof fetch,
): Promise<DeviceLogin> {
  const client = await import("openid-client");
  const config = deviceConfiguration(client, portalUrl, fetchImpl);
  const authorization = await translate(portalUrl, () =>
    client.initiateDeviceAuthorization(config, {
      device_name: params.deviceName,
      ...(params.loginHint !== undefined && { login_hint: params.loginHint }),
    }),
  );
  const expiresAt = now().getTime() + authorization.expires_in * 1000;
  return {
    authorization,
    async waitForApproval() {
      const tokens = await translate(
        portalUrl,
        () => client.pollDeviceAuthorizationGrant(config, authorization),
        () => now().getTime() >= expiresAt,
      );
      return signInFrom(portalUrl, tokens, now());
    },
  };
}

/**
 * Explicit metadata instead of discovery: the endpoints are part of the API contract, and one
 * request less is one failure less. Plain http only for a portal on this machine (the same rule
 * as every other command: portal-url.ts).
 */
function deviceConfiguration(
  client: OpenIdClient,
  portalUrl: string,
  fetchImpl: typeof fetch,
): Configuration {
  const config = new client.Configuration(
    {
      issuer: new URL(portalUrl).origin,
      device_authorization_endpoint: `${portalUrl}/api/v1/device/code`,
      token_endpoint: `${portalUrl}/api/v1/device/token`,
    },
    CLIENT_ID,
    undefined,
    client.None(),
  );
  if (isInsecureLoopback(portalUrl)) client.allowInsecureRequests(config);
  config.timeout = REQUEST_TIMEOUT_MS / 1000;
  config[client.customFetch] = async (url, options) => {
    const headers = new Headers(options.headers);
    headers.set("user-agent", USER_AGENT);
    try {
      // The CLI's fetch, which takes the proxy (proxy-fetch.ts).
      return await fetchImpl(url, {
        ...options,
        body: options.body as BodyInit | undefined,
        headers,
        redirect: "error",
      });
    } catch (err) {
      if (err instanceof DOMException) throw err; // timeouts and aborts: openid-client's to report
      if (err instanceof CliError) throw err; // the proxy's own failures
      throw new CliError(
        `cannot reach the portal at ${portalUrl}: ${networkReason(err)}`,
        EXIT.unavailable,
      );
    }
  };
  return config;
}

/** Turns openid-client's errors into the CLI's messages and exit codes. */
async function translate<T>(
  portalUrl: string,
  action: () => Promise<T>,
  hasExpired: () => boolean = () => false,
): Promise<T> {
  try {
    return await action();
  } catch (err) {
    throw await cliErrorFor(err, portalUrl, hasExpired());
  }
}

async function cliErrorFor(err: unknown, portalUrl: string, expired: boolean): Promise<CliError> {
  const client = await import("openid-client");
  if (err instanceof CliError) return err;
  if (err instanceof Error && err.cause instanceof CliError) return err.cause;
  if (err instanceof client.ResponseBodyError) {
    const requestId = typeof err.cause.requestId === "string" ? err.cause.requestId : undefined;
    // The portal says why a sign-in ended (denied, expired, or approved from a browser session
    // that has ended since: docs/API.md); the CLI's own words only when it says nothing.
    const portalSays = err.error_description ? printable(err.error_description) : undefined;
    switch (err.error) {
      case "access_denied":
        return new CliError(portalSays ?? DENIED_MESSAGE, EXIT.signInFailed, requestId);
      case "expired_token":
        return new CliError(portalSays ?? EXPIRED_MESSAGE, EXIT.signInFailed, requestId);
      case "invalid_grant":
        return new CliError(
          "the portal no longer knows this sign-in request; run gatehouse login again",
          EXIT.signInFailed,
          requestId,
        );
      default: {
        const description = portalSays ? `: ${portalSays}` : "";
        return new CliError(
          `the portal refused the sign-in request (${printable(err.error)})${description}`,
          err.status === 400 ? EXIT.usage : EXIT.unexpected,
          requestId,
        );
      }
    }
  }
  if (err instanceof client.ClientError) {
    if (err.code === "OAUTH_TIMEOUT") {
      return expired
        ? new CliError(EXPIRED_MESSAGE, EXIT.signInFailed)
        : new CliError(`the portal at ${portalUrl} did not answer in time`, EXIT.unavailable);
    }
    // By shape, not class: through a proxy the answer is undici's Response, not Node's.
    if (isResponse(err.cause)) {
      const response = err.cause;
      let body: unknown;
      try {
        body = await response.json();
      } catch {
        body = undefined;
      }
      const requestId = response.headers.get("x-request-id") ?? undefined;
      const outage = exitCodeForStatus(response.status) === EXIT.unavailable;
      if (!(isRecord(body) && isRecord(body.error)) && !outage) {
        // Not the portal's API at all (a sign-in page in front of it, a wrong path): even a 200
        // must not let a script go on as if it were signed in.
        return new CliError(
          `${portalUrl} answered HTTP ${response.status} with something other than the Gatehouse API; check the portal's address (--portal or GATEHOUSE_URL)`,
          EXIT.unexpected,
          requestId,
        );
      }
      // A resource-style error ({"error": {"code", …}}: rate limit, database down …).
      return portalError(response, body, portalUrl, requestId);
    }
    return new CliError(`sign-in failed: ${err.message}`, EXIT.unexpected);
  }
  return new CliError(
    `sign-in failed: ${err instanceof Error ? err.message : String(err)}`,
    EXIT.unexpected,
  );
}

/** The token answer (docs/API.md): `access_token`, `expires_in`, `token_id`, `user`. */
function signInFrom(portalUrl: string, tokens: Record<string, unknown>, now: Date): SavedSignIn {
  const { access_token: token, expires_in: expiresIn, token_id: tokenId, user } = tokens;
  if (
    typeof token !== "string" ||
    typeof expiresIn !== "number" ||
    typeof tokenId !== "string" ||
    !isRecord(user) ||
    typeof user.email !== "string"
  ) {
    throw new CliError("the portal's token answer is not in the expected shape", EXIT.unexpected);
  }
  return {
    portalUrl,
    token,
    tokenId,
    expiresAt: new Date(now.getTime() + expiresIn * 1000).toISOString(),
    user: {
      email: user.email,
      displayName: typeof user.displayName === "string" ? user.displayName : user.email,
      subject: typeof user.subject === "string" ? user.subject : "",
    },
  };
}

function isResponse(value: unknown): value is Response {
  return (
    value instanceof Response ||
    (isRecord(value) && Object.prototype.toString.call(value) === "[object Response]")
  );
}

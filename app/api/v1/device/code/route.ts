import { getConfig } from "@/lib/config";
import { getDb } from "@/lib/db/client";
import { CLI_CLIENT_ID } from "@/lib/cli-auth/codes";
import { startDeviceAuthorization } from "@/lib/cli-auth/device-authorization";
import { otherMethods } from "@/lib/http/fallback-handlers";
import { formParam, OAuthError, oauthEndpoint } from "@/lib/http/oauth-endpoint";

/** What a device may call itself on the approval page: printable, one line, short. */
const DEVICE_NAME_PATTERN = /^[\p{L}\p{N}\p{P}\p{S} ]{1,64}$/u;
const LOGIN_HINT_PATTERN = /^[^\s<>"']{1,254}$/;

/**
 * RFC 8628 §3.1 device authorization endpoint: the gatehouse CLI starts a sign-in here and gets a
 * device code (for itself) and a user code (for the person), docs/API.md.
 */
export const POST = oauthEndpoint(async ({ form, meta, now }) => {
  const clientId = formParam(form, "client_id");
  if (clientId !== CLI_CLIENT_ID) {
    throw new OAuthError("invalid_client", `Unknown client; the only client is ${CLI_CLIENT_ID}.`);
  }
  const deviceName = (formParam(form, "device_name") ?? "gatehouse CLI").trim();
  if (!DEVICE_NAME_PATTERN.test(deviceName)) {
    throw new OAuthError("invalid_request", "device_name must be 1 to 64 printable characters.");
  }
  const loginHint = formParam(form, "login_hint");
  if (loginHint !== null && !LOGIN_HINT_PATTERN.test(loginHint)) {
    throw new OAuthError("invalid_request", "login_hint must be an email address or user name.");
  }
  const config = getConfig();
  const started = await startDeviceAuthorization(
    getDb(),
    { clientId, deviceName, loginHint, meta },
    {
      deviceCodeTtlSeconds: config.cli.deviceCodeTtlSeconds,
      pollIntervalSeconds: config.cli.pollIntervalSeconds,
    },
    now,
  );
  const verificationUri = `${config.publicUrl}/device`;
  return {
    device_code: started.deviceCode,
    user_code: started.userCode,
    verification_uri: verificationUri,
    verification_uri_complete: `${verificationUri}?code=${encodeURIComponent(started.userCode)}`,
    expires_in: started.expiresInSeconds,
    interval: started.intervalSeconds,
  };
});

export const { GET, PUT, PATCH, DELETE, OPTIONS } = otherMethods({ POST });

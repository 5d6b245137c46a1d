import { getConfig } from "@/lib/config";
import { getDb } from "@/lib/db/client";
import { exchangeApprovedDeviceCode } from "@/lib/cli-auth/cli-tokens";
import { APPROVAL_ENDED_MESSAGE } from "@/lib/cli-auth/ended-approval";
import { CLI_CLIENT_ID, DEVICE_CODE_GRANT_TYPE } from "@/lib/cli-auth/codes";
import { pollDeviceAuthorization } from "@/lib/cli-auth/device-authorization";
import { otherMethods } from "@/lib/http/fallback-handlers";
import { formParam, OAuthError, oauthEndpoint } from "@/lib/http/oauth-endpoint";

const POLL_ANSWERS = {
  authorization_pending: "Waiting for the person to approve the code in their browser.",
  slow_down: "Polled sooner than the interval allows; the interval is now 5 seconds longer.",
  access_denied: "The sign-in was denied in the browser.",
  expired_token: "The code expired before it was approved. Run gatehouse login again.",
  invalid_grant: "Unknown device code, or one already used.",
  invalid_client: `Unknown client; the only client is ${CLI_CLIENT_ID}.`,
} as const;

/** RFC 8628 §3.5 expired_token: this sign-in is over for good, and a new one may start. */
const approvalEnded = () => new OAuthError("expired_token", APPROVAL_ENDED_MESSAGE);

/**
 * RFC 8628 §3.4–3.5 token endpoint: the CLI polls with its device code until the person decided;
 * an approved code is exchanged for a CLI token once (docs/API.md).
 */
export const POST = oauthEndpoint(async ({ form, meta, now }) => {
  const grantType = formParam(form, "grant_type");
  if (grantType !== DEVICE_CODE_GRANT_TYPE) {
    throw new OAuthError(
      grantType === null ? "invalid_request" : "unsupported_grant_type",
      `grant_type must be ${DEVICE_CODE_GRANT_TYPE}.`,
    );
  }
  const deviceCode = formParam(form, "device_code");
  const clientId = formParam(form, "client_id");
  if (deviceCode === null) throw new OAuthError("invalid_request", "device_code is required.");
  // Longer than any code this portal issues: unknown, said without a lookup.
  if (deviceCode.length > 128) throw new OAuthError("invalid_grant", POLL_ANSWERS.invalid_grant);
  if (clientId === null) throw new OAuthError("invalid_client", POLL_ANSWERS.invalid_client);
  const db = getDb();
  const outcome = await pollDeviceAuthorization(db, { deviceCode, clientId }, now);
  if (outcome.kind === "approving_session_ended") throw approvalEnded();
  if (outcome.kind !== "approved") throw new OAuthError(outcome.kind, POLL_ANSWERS[outcome.kind]);
  const config = getConfig();
  const exchange = await exchangeApprovedDeviceCode(db, outcome, {
    ttlSeconds: config.cli.tokenTtlSeconds,
    meta,
    now,
  });
  if ("refused" in exchange) {
    if (exchange.refused === "approving-session-ended") throw approvalEnded();
    throw new OAuthError("invalid_grant", POLL_ANSWERS.invalid_grant);
  }
  const issued = exchange.issued;
  return {
    access_token: issued.token,
    token_type: "Bearer",
    expires_in: config.cli.tokenTtlSeconds,
    token_id: issued.tokenId,
    user: issued.user,
  };
});

export const { GET, PUT, PATCH, DELETE, OPTIONS } = otherMethods({ POST });

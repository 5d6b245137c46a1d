import "server-only";
import { currentTime } from "@/lib/clock";
import { AppError } from "@/lib/errors";
import { getSigninTokenUrl } from "./console-urls";
import { recordFederationRefusal, recordFederationSuccess } from "./federation-health";

const FEDERATION_TIMEOUT_MS = 10_000;

/**
 * Exchanges temporary credentials for a console sign-in token at the federation endpoint. The
 * URL carries the secret key and session token, so it is never logged; neither is the token.
 * @throws AppError("aws_unavailable" | "aws_refused") with the endpoint's status, never its body.
 */
export async function fetchSigninToken(
  federationEndpoint: string,
  creds: { accessKeyId: string; secretAccessKey: string; sessionToken: string },
  sessionDurationSeconds: number | undefined,
): Promise<string> {
  const url = getSigninTokenUrl(federationEndpoint, creds, sessionDurationSeconds);
  let response: Response;
  try {
    response = await fetch(url, {
      method: "GET",
      cache: "no-store",
      redirect: "error",
      signal: AbortSignal.timeout(FEDERATION_TIMEOUT_MS),
    });
  } catch (error) {
    const reason = `getSigninToken: ${error instanceof Error ? error.name : "network error"}`;
    recordFederationRefusal(currentTime(), null, reason);
    throw new AppError(
      "aws_unavailable",
      "The AWS sign-in service could not be reached. Try again in a moment.",
      { internalReason: reason },
    );
  }
  const body = await response.text().catch(() => "");
  if (!response.ok) {
    const code = response.status >= 500 ? "aws_unavailable" : "aws_refused";
    // The body is AWS's, short and free of secrets in every refusal seen; it is the only reason
    // given, so it goes to the log and the Broker page (capped), never to the user.
    const flat = body.replace(/\s+/g, " ").trim();
    const echoesSecret = [creds.secretAccessKey, creds.sessionToken].some(
      (secret) =>
        secret.length >= 16 && (flat.includes(secret) || flat.includes(secret.slice(0, 32))),
    );
    const said = echoesSecret
      ? "(response withheld: it quoted the credentials)"
      : flat.slice(0, 200);
    const reason = `getSigninToken: HTTP ${response.status}${said ? `: ${said}` : ""}`;
    recordFederationRefusal(currentTime(), response.status, reason);
    throw new AppError(
      code,
      response.status >= 500
        ? `The AWS sign-in service failed to create a console session (HTTP ${response.status}). Try again in a moment.`
        : `The AWS sign-in service refused to create a console session for these credentials (HTTP ${response.status}). An administrator can see AWS's reason on the Broker page; CLI credentials for this role still work.`,
      { internalReason: reason },
    );
  }
  let token: unknown;
  try {
    token = (JSON.parse(body) as { SigninToken?: unknown }).SigninToken;
  } catch {
    token = undefined;
  }
  if (typeof token !== "string" || token.length === 0) {
    throw new AppError(
      "aws_unavailable",
      "The AWS sign-in service returned an unexpected answer.",
      {
        internalReason: "getSigninToken: response without SigninToken",
      },
    );
  }
  recordFederationSuccess(currentTime());
  return token;
}

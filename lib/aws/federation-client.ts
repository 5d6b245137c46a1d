import "server-only";
import { AppError } from "@/lib/http/errors";
import { getSigninTokenUrl } from "./console-urls";

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
    throw new AppError(
      "aws_unavailable",
      "The AWS sign-in service could not be reached. Try again in a moment.",
      {
        internalReason: `getSigninToken: ${error instanceof Error ? error.name : "network error"}`,
      },
    );
  }
  const body = await response.text().catch(() => "");
  if (!response.ok) {
    const code = response.status >= 500 ? "aws_unavailable" : "aws_refused";
    throw new AppError(
      code,
      `The AWS sign-in service refused to create a console session (HTTP ${response.status}).`,
      {
        internalReason: `getSigninToken: HTTP ${response.status}`,
      },
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
  return token;
}

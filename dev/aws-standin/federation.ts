/**
 * The console federation endpoint (`/federation`): `getSigninToken` trades credentials the STS
 * stand-in issued for a single-use sign-in token, `login` trades the token for a console page.
 * Both are bearer secrets in URLs, so every response is `no-store` and nothing here logs a query.
 *
 * A refused getSigninToken is answered as AWS's endpoint is reported to answer: HTTP 400 with a
 * short plain-text body, never JSON (only a success is JSON). The stand-in's own failure code
 * rides along in `x-standin-error-code` for tests; AWS sends nothing like it, so callers must
 * not depend on it.
 */
import type { IncomingMessage, ServerResponse } from "node:http";
import { renderFederationErrorPage } from "./console-page";
import { FederationError, getSigninToken, login } from "./federation-flow";
import { sendResponse, splitRequestTarget } from "./http-io";
import { newRequestId } from "./ids";
import type { FederationCallRecord, StandinState } from "./state";

export interface FederationDependencies {
  state: StandinState;
  now: () => Date;
  consoleHosts: readonly string[];
}

/** Handles `GET /federation`. Never rejects. */
export function handleFederationRequest(
  req: IncomingMessage,
  res: ServerResponse,
  deps: FederationDependencies,
): void {
  const requestId = newRequestId();
  const now = deps.now();
  const params = new URLSearchParams(splitRequestTarget(req.url ?? "").search);
  const action = params.get("Action");
  const record: FederationCallRecord = {
    action,
    accessKeyId: null,
    errorCode: null,
    at: now.toISOString(),
  };
  const context = { state: deps.state, consoleHosts: deps.consoleHosts, now, record };
  const reply = (
    status: number,
    contentType: string,
    body: string,
    extraHeaders: Record<string, string> = {},
  ) => {
    deps.state.recordFederationCall(record);
    sendResponse(res, {
      status,
      contentType,
      body,
      requestId,
      date: now,
      headers: {
        "Cache-Control": "no-store",
        Pragma: "no-cache",
        // The page's own URL holds the sign-in token: never send it on as a Referer.
        "Referrer-Policy": "no-referrer",
        "X-Content-Type-Options": "nosniff",
        "Content-Security-Policy":
          "default-src 'none'; style-src 'unsafe-inline'; frame-ancestors 'none'",
        ...extraHeaders,
      },
    });
  };

  try {
    if (req.method !== "GET") {
      throw new FederationError("MethodNotAllowed", "The federation endpoint accepts GET only.");
    }
    if (action === "getSigninToken") {
      const token = getSigninToken(params, context);
      reply(200, "application/json", JSON.stringify({ SigninToken: token }));
    } else if (action === "login") {
      reply(200, "text/html; charset=utf-8", login(params, context));
    } else {
      throw new FederationError("InvalidAction", "Action must be getSigninToken or login.");
    }
  } catch (error) {
    const failure =
      error instanceof FederationError
        ? error
        : new FederationError("InternalFailure", "The stand-in failed unexpectedly.");
    if (!(error instanceof FederationError)) {
      console.error(`[aws-standin] federation internal failure (request ${requestId}):`, error);
    }
    record.errorCode = failure.code;
    const status =
      failure.code === "InternalFailure" ? 500 : failure.code === "MethodNotAllowed" ? 405 : 400;
    if (action === "getSigninToken") {
      reply(status, "text/plain; charset=utf-8", `${failure.message}\n`, {
        "x-standin-error-code": failure.code,
      });
    } else {
      reply(
        status,
        "text/html; charset=utf-8",
        renderFederationErrorPage(failure.code, failure.message),
      );
    }
  }
}

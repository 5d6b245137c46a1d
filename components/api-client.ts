/** The JSON error every Gatehouse API returns: a safe message and a request id to quote. */
export interface ApiErrorView {
  message: string;
  /** The API's stable error code (e.g. not_found), or null when the portal was not reached. */
  code: string | null;
  requestId: string | null;
  awsErrorCode: string | null;
  /** A same-site path the browser should go to to fix this (e.g. fetch a SAML assertion). */
  nextUrl: string | null;
}

/** An error the browser found itself (no portal answer behind it): a message and nothing else. */
export function localError(message: string): ApiErrorView {
  return { message, code: null, requestId: null, awsErrorCode: null, nextUrl: null };
}

export const UNREACHABLE: ApiErrorView = localError(
  "The portal could not be reached. Check your connection.",
);

/**
 * `onSessionEnded` runs just before a 401 sends the tab to sign in again: the caller keeps what the
 * click meant (keepForSignIn) so the page it comes back to can offer it again.
 */
export async function postJson<T>(
  url: string,
  body: unknown,
  onSessionEnded?: () => void,
): Promise<{ ok: true; data: T } | { ok: false; error: ApiErrorView }> {
  let response: Response;
  try {
    response = await fetch(url, {
      method: "POST",
      headers: { "Content-Type": "application/json", Accept: "application/json" },
      body: JSON.stringify(body),
      cache: "no-store",
    });
  } catch {
    return { ok: false, error: UNREACHABLE };
  }
  let json: unknown = null;
  try {
    json = await response.json();
  } catch {
    json = null;
  }
  if (response.ok && json !== null) return { ok: true, data: json as T };
  return { ok: false, error: apiErrorFrom(response, json, onSessionEnded) };
}

/**
 * The session ended (expired or signed out elsewhere): a full page load of the sign-in page, which
 * comes back to this page; `beforeLeaving` first keeps what the click meant.
 */
export function signInAgain(beforeLeaving?: () => void): void {
  beforeLeaving?.();
  // eslint-disable-next-line @next/next/no-location-assign-relative-destination -- a full load is intended
  window.location.href = `/signin?callbackUrl=${encodeURIComponent(window.location.pathname + window.location.search)}&reason=session-ended`;
}

/**
 * The error view of a failed API response (`json` its parsed body, if any). A 401 also sends the
 * tab to sign in again (signInAgain, with `onSessionEnded`).
 */
export function apiErrorFrom(
  response: Response,
  json: unknown,
  onSessionEnded?: () => void,
): ApiErrorView {
  const requestId = response.headers.get("x-request-id");
  if (response.status === 401) signInAgain(onSessionEnded);
  const error = (
    json as {
      error?: {
        message?: unknown;
        code?: unknown;
        requestId?: unknown;
        awsErrorCode?: unknown;
        nextUrl?: unknown;
      };
    } | null
  )?.error;
  return {
    message:
      typeof error?.message === "string"
        ? error.message
        : `The request failed (HTTP ${response.status}).`,
    code: typeof error?.code === "string" ? error.code : null,
    requestId: typeof error?.requestId === "string" ? error.requestId : requestId,
    awsErrorCode: typeof error?.awsErrorCode === "string" ? error.awsErrorCode : null,
    nextUrl:
      typeof error?.nextUrl === "string" &&
      error.nextUrl.startsWith("/") &&
      !error.nextUrl.startsWith("//")
        ? error.nextUrl
        : null,
  };
}

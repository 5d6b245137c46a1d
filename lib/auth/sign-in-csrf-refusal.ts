import "server-only";
import { NextResponse } from "next/server";
import { AppError } from "@/lib/errors";
import { NO_STORE } from "@/lib/http/api-handler";
import { errorBody, httpStatusOf } from "@/lib/http/errors";
import { REQUEST_ID_HEADER } from "@/lib/http/request-meta";
import { log } from "@/lib/log";
import type { RequestMeta } from "@/lib/request-meta";
import { callbackPathOf } from "./sign-in-redirect";

/** The sign-in page's `error` for a sign-in start refused for its CSRF token. */
export const SIGN_IN_CSRF_ERROR = "csrf";

/**
 * Whether next-auth refused a sign-in start's CSRF token (missing, or not the one its cookie
 * vouches for): it then sends the caller to its own sign-in page with `csrf=true`, as a redirect
 * or, for its client (`json=true`), as `{ url }`.
 */
export async function isCsrfRefusal(response: Response, portalOrigin: string): Promise<boolean> {
  const target = response.headers.get("location") ?? (await jsonUrlOf(response));
  if (target === null) return false;
  const url = new URL(target, portalOrigin);
  return (
    url.origin === portalOrigin &&
    url.pathname === "/api/auth/signin" &&
    url.searchParams.get("csrf") === "true"
  );
}

/** The `url` of next-auth's `{ url }` answer, or null when it is no such answer. */
export async function jsonUrlOf(response: Response): Promise<string | null> {
  if (!(response.headers.get("content-type") ?? "").startsWith("application/json")) return null;
  const body = (await response.clone().json()) as unknown;
  return typeof body === "object" && body !== null && "url" in body && typeof body.url === "string"
    ? body.url
    : null;
}

/**
 * A sign-in start whose CSRF token next-auth refused (docs/SECURITY.md "next-auth's endpoints"):
 * 403 `csrf_rejected` in the API's error shape, not next-auth's silent redirect. The body also
 * carries `url`, the sign-in page with the error and this request's id, because next-auth's
 * browser client (the sign-in button) goes wherever `url` says whatever the status: the person
 * lands on /signin, told sign-in did not succeed, with the reference this log line has.
 * next-auth's cookies (a fresh CSRF cookie) are passed on, so the next try can succeed.
 */
export function csrfRefusal(
  nextAuthAnswer: Response,
  meta: RequestMeta,
  portalOrigin: string,
  form: URLSearchParams,
): Response {
  log.warn("sign-in start refused: CSRF token missing or not this browser's", {
    requestId: meta.requestId,
  });
  const signInPage = new URL("/signin", portalOrigin);
  const callbackPath = callbackPathOf(form.get("callbackUrl"), portalOrigin);
  if (callbackPath !== null) signInPage.searchParams.set("callbackUrl", callbackPath);
  signInPage.searchParams.set("error", SIGN_IN_CSRF_ERROR);
  signInPage.searchParams.set("requestId", meta.requestId);
  const refused = new AppError(
    "csrf_rejected",
    "The sign-in request did not carry this browser's sign-in token. Reload the sign-in page and try again.",
  );
  const response = NextResponse.json(
    { ...errorBody(refused, meta.requestId), url: signInPage.toString() },
    {
      status: httpStatusOf(refused),
      headers: { ...NO_STORE, [REQUEST_ID_HEADER]: meta.requestId },
    },
  );
  for (const cookie of nextAuthAnswer.headers.getSetCookie())
    response.headers.append("set-cookie", cookie);
  return response;
}

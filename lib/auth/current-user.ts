import "server-only";
import { currentTime } from "@/lib/clock";
import { cookies, headers } from "next/headers";
import { cache } from "react";
import { redirect } from "next/navigation";
import { getConfig, type AppConfig } from "@/lib/config";
import { oidcIssuerOf } from "@/lib/identity/identity-providers";
import { getDb } from "@/lib/db/client";
import { databaseUnavailableError } from "@/lib/db/unavailable";
import { AppError } from "@/lib/errors";
import { DATABASE_UNAVAILABLE_DIGEST } from "@/lib/http/error-digest";
import { requestMetaFrom } from "@/lib/http/request-meta";
import { noteRequestPerson } from "@/lib/log/request-record";
import type { RequestMeta } from "@/lib/request-meta";
import { findActiveSessionUser, type PrivilegeSettings, type SignedInUser } from "./portal-session";
import { signInPathFor } from "./sign-in-redirect";
import { hasSessionCookie, readSessionId } from "./session-cookie";

/**
 * One session lookup per page render. Next.js renders the root not-found and the admin forbidden
 * boundaries along with every page (in case the page needs them), and they name who is signed in
 * in their header too; React's cache() lets them share the page's lookup instead of repeating it.
 * It memoizes within one server render only — in route handlers, server actions and the proxy it
 * calls straight through — so each request still reads the session row afresh.
 */
const findSessionUserOncePerRender = cache(
  (sessionId: string | null): Promise<SignedInUser | null> => {
    const config = getConfig();
    return findActiveSessionUser(getDb(), sessionId, {
      now: currentTime(),
      ...privilegeSettingsOf(config),
    });
  },
);

/**
 * The signed-in user for this request, or null. The session cookie only names a server-side session;
 * the database row must exist, be unrevoked and unexpired (docs/INVARIANTS.md invariant 4: every entry point
 * checks for itself, so this runs in each handler and page, not only in middleware).
 */
export async function findSignedInUser(meta: RequestMeta): Promise<SignedInUser | null> {
  const sessionId = await readSessionId(getConfig(), await cookies());
  try {
    const user = await findSessionUserOncePerRender(sessionId);
    if (user) noteRequestPerson(user.personId);
    return user;
  } catch (error) {
    const unavailable = databaseUnavailableError(error);
    if (!unavailable) throw error;
    // API routes answer it as a 503; a page's error boundary sees only the digest, so the digest
    // says what happened and carries the request id (app/error.tsx).
    throw Object.assign(unavailable, { digest: `${DATABASE_UNAVAILABLE_DIGEST}${meta.requestId}` });
  }
}

/**
 * Who is looking at a status page (not found, not allowed), for its header only: the signed-in
 * user, or null when nobody is or the database can't say right now. Such a page shows and grants
 * nothing else, and an outage must not turn its "not found" into an error page.
 */
export async function findStatusPageViewer(): Promise<SignedInUser | null> {
  try {
    return await findSignedInUser(await currentRequestMeta());
  } catch (error) {
    if (error instanceof AppError && error.code === "database_unavailable") return null;
    throw error;
  }
}

/** Which groups make an admin or auditor, and whether the OIDC IdP is trusted to assert them. */
export function privilegeSettingsOf(config: AppConfig): PrivilegeSettings {
  return {
    adminGroup: config.adminGroup,
    auditorGroup: config.auditorGroup,
    trustedOidcIssuer: config.oidc?.trustedForPrivileges === true ? oidcIssuerOf(config) : null,
  };
}

export async function currentRequestMeta(): Promise<RequestMeta> {
  return requestMetaFrom(await headers());
}

/**
 * For pages any signed-in person may see: the signed-in user, or a redirect to sign-in and back.
 * When the request still carried a session cookie, the session it named has ended (expired,
 * revoked or unknown), and the sign-in page says so (lib/auth/sign-in-redirect.ts).
 * Admin and auditor pages use requirePrivilegedPage (lib/auth/privilege-guard.ts).
 */
export async function requirePageUser(opts: {
  returnTo: string;
}): Promise<{ user: SignedInUser; meta: RequestMeta }> {
  const meta = await currentRequestMeta();
  const user = await findSignedInUser(meta);
  if (!user) {
    const hadSessionCookie = hasSessionCookie(getConfig(), await cookies());
    redirect(signInPathFor(opts.returnTo, hadSessionCookie));
  }
  return { user, meta };
}

import "server-only";
import { currentTime } from "@/lib/clock";
import { cookies, headers } from "next/headers";
import { redirect } from "next/navigation";
import { getConfig, type AppConfig } from "@/lib/config";
import { oidcIssuerOf } from "@/lib/identity/identity-providers";
import { getDb } from "@/lib/db/client";
import { databaseUnavailableError } from "@/lib/db/unavailable";
import { DATABASE_UNAVAILABLE_DIGEST } from "@/lib/http/error-digest";
import { requestMetaFrom } from "@/lib/http/request-meta";
import { noteRequestPerson } from "@/lib/log/request-record";
import type { RequestMeta } from "@/lib/request-meta";
import { findActiveSessionUser, type PrivilegeSettings, type SignedInUser } from "./portal-session";
import { signInPathFor } from "./sign-in-redirect";
import { hasSessionCookie, readSessionId } from "./session-cookie";

/**
 * The signed-in user for this request, or null. The session cookie only names a server-side session;
 * the database row must exist, be unrevoked and unexpired (docs/INVARIANTS.md invariant 4: every entry point
 * checks for itself, so this runs in each handler and page, not only in middleware).
 */
export async function findSignedInUser(meta: RequestMeta): Promise<SignedInUser | null> {
  const config = getConfig();
  const sessionId = await readSessionId(config, await cookies());
  try {
    const user = await findActiveSessionUser(getDb(), sessionId, {
      now: currentTime(),
      ...privilegeSettingsOf(config),
    });
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

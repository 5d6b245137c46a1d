import "server-only";
import type { CookiesOptions } from "next-auth";
import { decode, encode } from "next-auth/jwt";
import type { AppConfig } from "@/lib/config";
import { openValue, sealValue } from "@/lib/crypto/sealed-value";
import { parseSignOutNotice, type SignOutNotice } from "./sign-out-notice";

/**
 * Everything the portal knows about its cookies, in one place (docs/SECURITY.md "Cookies"): their
 * names and flags for next-auth, minting the session cookie for sign-ins that don't go through
 * next-auth (SAML), and reading the server-side session id back. A change of auth library touches
 * this file.
 *
 * Over https every cookie is `__Host-` (Secure, Path=/, no Domain: no sibling subdomain can set or
 * overwrite it); over plain http (localhost) the same names without the prefix. The session
 * cookie carries a signed, encrypted JWT whose only claim is the server-side session id.
 */

type CookieFlags = { httpOnly: true; sameSite: "lax"; path: "/"; secure: boolean };

function isSecure(config: Pick<AppConfig, "publicUrl">): boolean {
  return config.publicUrl.startsWith("https://");
}

function cookieName(config: Pick<AppConfig, "publicUrl">, base: string): string {
  return `${isSecure(config) ? "__Host-" : ""}gatehouse.${base}`;
}

/** The session cookie's name for this deployment. */
export function sessionCookieName(config: Pick<AppConfig, "publicUrl">): string {
  return cookieName(config, "session");
}

function flags(config: Pick<AppConfig, "publicUrl">): CookieFlags {
  return { httpOnly: true, sameSite: "lax", path: "/", secure: isSecure(config) };
}

/** next-auth's cookies, renamed and flagged as above (its defaults are `__Secure-`, not `__Host-`). */
export function nextAuthCookies(config: Pick<AppConfig, "publicUrl">): Partial<CookiesOptions> {
  const f = flags(config);
  const short = { ...f, maxAge: 15 * 60 };
  return {
    sessionToken: { name: sessionCookieName(config), options: f },
    callbackUrl: { name: cookieName(config, "callback-url"), options: f },
    csrfToken: { name: cookieName(config, "csrf-token"), options: f },
    pkceCodeVerifier: { name: cookieName(config, "pkce"), options: short },
    state: { name: cookieName(config, "state"), options: short },
    nonce: { name: cookieName(config, "nonce"), options: f },
  };
}

/**
 * next-auth's callback-url cookie, emptied and expired: what replaces a value the portal would not
 * follow, before next-auth reads it (lib/auth/next-auth-handler.ts).
 */
export function clearedCallbackUrlCookie(config: Pick<AppConfig, "publicUrl">) {
  return {
    name: cookieName(config, "callback-url"),
    value: "",
    options: { ...flags(config), maxAge: 0 },
  };
}

/**
 * The session cookie for a sign-in that doesn't go through next-auth (SAML). Same name, flags and
 * content as an OIDC sign-in's, so every later request takes one path: readSessionId → the
 * server-side session row.
 */
export async function sessionCookieFor(
  config: AppConfig,
  sessionId: string,
  expiresAt: Date,
): Promise<{ name: string; value: string; options: CookieFlags & { expires: Date } }> {
  const maxAge = Math.max(1, Math.floor((expiresAt.getTime() - Date.now()) / 1000));
  const value = await encode({ token: { sid: sessionId }, secret: config.authSecret, maxAge });
  return {
    name: sessionCookieName(config),
    value,
    options: { ...flags(config), expires: expiresAt },
  };
}

/**
 * The server-side session id a request's session cookie names, or null when there is none or it
 * does not decrypt (tampered, another secret, expired). Only the server ever sees the id: the
 * client-facing session (next-auth's /api/auth/session) carries no identifier.
 */
export async function readSessionId(
  config: AppConfig,
  cookies: { get(name: string): { value: string } | undefined },
): Promise<string | null> {
  const value = cookies.get(sessionCookieName(config))?.value;
  if (!value) return null;
  try {
    const token = await decode({ token: value, secret: config.authSecret });
    return typeof token?.sid === "string" ? token.sid : null;
  } catch {
    return null;
  }
}

/** Whether the request carries a session cookie at all (valid or not): a session that ended. */
export function hasSessionCookie(
  config: Pick<AppConfig, "publicUrl">,
  cookies: { get(name: string): { value: string } | undefined },
): boolean {
  return Boolean(cookies.get(sessionCookieName(config))?.value);
}

/** The session cookie, emptied and expired: what signing out sends back. */
export function clearedSessionCookie(config: Pick<AppConfig, "publicUrl">) {
  return {
    name: sessionCookieName(config),
    value: "",
    options: { ...flags(config), maxAge: 0 },
  };
}

/** How long the signed-out page can still say what happened at the IdP. */
const NOTICE_MAX_AGE_SECONDS = 15 * 60;
const NOTICE_PURPOSE = "sign-out-notice-v1";

function signOutNoticeCookieName(config: Pick<AppConfig, "publicUrl">): string {
  return cookieName(config, "signed-out");
}

/**
 * The signed-out notice (lib/auth/sign-out-notice.ts): what the server knows about the IdP leg of a
 * sign-out, sealed so that only this server could have written it. Lax, so it comes back with the
 * IdP's top-level redirect to the sign-in page.
 */
export function signOutNoticeCookie(config: AppConfig, notice: SignOutNotice, now: Date) {
  const payload = JSON.stringify({ ...notice, exp: now.getTime() + NOTICE_MAX_AGE_SECONDS * 1000 });
  return {
    name: signOutNoticeCookieName(config),
    value: sealValue(config.authSecret, NOTICE_PURPOSE, payload, "notice"),
    options: { ...flags(config), maxAge: NOTICE_MAX_AGE_SECONDS },
  };
}

/** The signed-out notice this browser holds, or null (none, tampered, expired). */
export function readSignOutNotice(
  config: AppConfig,
  cookies: { get(name: string): { value: string } | undefined },
  now: Date,
): SignOutNotice | null {
  const value = cookies.get(signOutNoticeCookieName(config))?.value;
  if (!value) return null;
  try {
    const parsed = JSON.parse(openValue(config.authSecret, NOTICE_PURPOSE, value, "notice")) as {
      exp?: unknown;
    };
    if (typeof parsed.exp !== "number" || parsed.exp <= now.getTime()) return null;
    return parseSignOutNotice(parsed);
  } catch {
    return null;
  }
}

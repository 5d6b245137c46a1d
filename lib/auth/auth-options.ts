import "server-only";
import { currentTime } from "@/lib/clock";
import type { NextAuthOptions } from "next-auth";
import { getConfig } from "@/lib/config";
import { getDb } from "@/lib/db/client";
import type { RequestMeta } from "@/lib/request-meta";
import { log } from "@/lib/log";
import { sessionTagsFromClaims } from "@/lib/aws/session-tags";
import { safeReturnPath } from "@/lib/http/return-path";
import { linkByEmailPolicyOf } from "@/lib/people/link-by-email";
import { upsertSignedInUser } from "@/lib/users/upsert-signed-in-user";
import { mfaEvidenceFromOidcClaims } from "./mfa-evidence";
import { IdentityClaimsError, identityFromOidcClaims } from "./oidc-identity";
import { nextAuthCookies } from "./session-cookie";
import { callbackPathOf } from "./sign-in-redirect";
import { startSignedInSession } from "./start-signed-in-session";

/**
 * Why this request's OIDC sign-in failed, as the server itself observed it (next-auth's error
 * report, or the claims check): filled while next-auth runs, read once by the route handler, which
 * writes the one audit event for the failure (docs/SECURITY.md "Sign-in failures").
 */
export interface SignInFailureNote {
  code?: string;
  reason?: string;
}

declare module "next-auth/jwt" {
  interface JWT {
    sid?: string;
  }
}

export const OIDC_PROVIDER_ID = "oidc";

/**
 * next-auth options for one request. The session cookie is a signed JWT holding only a server-side
 * session id; the session row decides whether the user is signed in (so sign-out and expiry are
 * enforced on the server, not trusted to the cookie).
 */
export function buildAuthOptions(
  meta: RequestMeta,
  failure: SignInFailureNote = {},
): NextAuthOptions {
  const config = getConfig();
  const db = getDb();
  const oidc = config.oidc;
  const portalOrigin = new URL(config.publicUrl).origin;
  return {
    secret: config.authSecret,
    cookies: nextAuthCookies(config),
    session: { strategy: "jwt", maxAge: config.sessionMaxAgeSeconds },
    jwt: { maxAge: config.sessionMaxAgeSeconds },
    pages: { signIn: "/signin", error: "/signin" },
    providers: !oidc
      ? []
      : [
          {
            id: OIDC_PROVIDER_ID,
            name: oidc.displayName,
            type: "oauth",
            wellKnown: `${oidc.issuer}/.well-known/openid-configuration`,
            clientId: oidc.clientId,
            clientSecret: oidc.clientSecret,
            authorization: { params: { scope: oidc.scopes } },
            idToken: true,
            checks: ["pkce", "state", "nonce"],
            profile(profile: Record<string, unknown>) {
              const sub = typeof profile.sub === "string" ? profile.sub : "";
              return { id: sub };
            },
          },
        ],
    callbacks: {
      // Where the browser goes after signing in, and what next-auth keeps in its callback-url
      // cookie: a path on this portal, else the default page; never another site
      // (docs/SECURITY.md "next-auth's endpoints").
      redirect({ url }) {
        return `${portalOrigin}${safeReturnPath(callbackPathOf(url, portalOrigin))}`;
      },
      async jwt({ token, profile, account, trigger }) {
        if (trigger !== "signIn" || !oidc) return { sid: token.sid };
        const now = currentTime();
        // next-auth hands over the id_token's claims after openid-client verified its signature,
        // issuer, audience, expiry and nonce (idToken: true): amr/acr and tag claims come from there.
        const claims = (profile ?? {}) as Record<string, unknown>;
        let identity;
        try {
          identity = identityFromOidcClaims(claims, {
            issuer: oidc.issuer,
            groupsClaim: oidc.groupsClaim,
          });
        } catch (error) {
          const reason = error instanceof IdentityClaimsError ? error.reason : "unreadable claims";
          failure.code ??= "CLAIMS_REFUSED";
          failure.reason ??= `the identity provider's claims were refused: ${reason}`;
          throw error;
        }
        const user = await upsertSignedInUser(db, identity, now, linkByEmailPolicyOf(config));
        const session = await startSignedInSession(db, {
          user,
          signedInThrough: { method: "oidc" },
          now,
          maxAgeSeconds: config.sessionMaxAgeSeconds,
          evidence: mfaEvidenceFromOidcClaims(claims, config.mfa),
          tags: sessionTagsFromClaims(config.sessionTags, claims),
          meta,
          // The id_token openid-client just verified: sealed with the session row, it is the
          // id_token_hint of RP-initiated logout at sign-out (docs/SINGLE-LOGOUT.md). It never
          // goes into the cookie, the client-facing session, a log or the audit log.
          singleLogout:
            typeof account?.id_token === "string" && account.id_token !== ""
              ? { method: "oidc", idToken: account.id_token, sealSecret: config.authSecret }
              : null,
        });
        return { sid: session.id };
      },
      // What /api/auth/session tells the browser: when the session ends, never its identifier
      // (the server reads the id from the cookie itself: lib/auth/session-cookie.ts).
      session({ session }) {
        return { expires: session.expires };
      },
    },
    // Signing out is not next-auth's: POST /api/auth/signout is routed to the portal's own
    // sign-out (lib/auth/sign-out-response.ts), which revokes, audits and does single logout.
    // Only the server's own reports reach this logger: next-auth's client logger endpoint
    // (/api/auth/_log) is closed (lib/auth/next-auth-endpoints.ts), so nothing a browser sends
    // can write here. The first report of a failure names it; the route handler audits it once.
    logger: {
      error(code, metadata) {
        const reason = failureReason(metadata) ?? code;
        failure.code ??= code;
        failure.reason ??= reason;
        log.warn("sign-in error", { requestId: meta.requestId, code, reason });
      },
      warn(code) {
        log.warn("next-auth warning", { code });
      },
      debug() {},
    },
  };
}

/**
 * The specific reason in what next-auth reports: the library's error (openid-client names a
 * state or issuer mismatch, the token endpoint's invalid_grant for a reused code) and the IdP's
 * own `error` / `error_description` from the callback.
 */
function failureReason(metadata: unknown): string | null {
  const parts: string[] = [];
  const add = (value: unknown) => {
    if (typeof value === "string" && value.trim() !== "" && !parts.includes(value))
      parts.push(value.trim());
  };
  const visit = (value: unknown, depth: number) => {
    if (depth > 3 || typeof value !== "object" || value === null) return;
    const v = value as Record<string, unknown>;
    if (value instanceof Error) add(value.message);
    add(v.error_description);
    if (typeof v.error === "string") add(`error=${v.error}`);
    else visit(v.error, depth + 1);
    visit(v.cause, depth + 1);
  };
  visit(metadata, 0);
  return parts.length > 0 ? parts.join("; ").slice(0, 500) : null;
}

import "server-only";
import type { NextAuthOptions } from "next-auth";
import { getConfig } from "@/lib/config";
import { getDb } from "@/lib/db/client";
import { writeAuditEvent, type AuditActor } from "@/lib/audit/write-audit-event";
import type { RequestMeta } from "@/lib/http/request-meta";
import { log } from "@/lib/log";
import { sessionTagsFromClaims } from "@/lib/aws/session-tags";
import { upsertSignedInUser } from "@/lib/users/upsert-signed-in-user";
import { mfaEvidenceFromOidcClaims } from "./mfa-evidence";
import { IdentityClaimsError, identityFromOidcClaims } from "./oidc-identity";
import { revokePortalSession } from "./portal-session";
import { startSignedInSession } from "./start-signed-in-session";

declare module "next-auth" {
  interface Session {
    sid?: string;
  }
}
declare module "next-auth/jwt" {
  interface JWT {
    sid?: string;
  }
}

export const OIDC_PROVIDER_ID = "oidc";

const anonymousActor: AuditActor = {
  userId: null,
  issuer: null,
  subject: null,
  email: null,
  groups: null,
};

/**
 * next-auth options for one request. The session cookie is a signed JWT holding only a server-side
 * session id; the session row decides whether the user is signed in (so sign-out and expiry are
 * enforced on the server, not trusted to the cookie).
 */
export function buildAuthOptions(meta: RequestMeta): NextAuthOptions {
  const config = getConfig();
  const db = getDb();
  const oidc = config.oidc;
  return {
    secret: config.authSecret,
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
      async jwt({ token, profile, trigger }) {
        if (trigger !== "signIn" || !oidc) return { sid: token.sid };
        const now = new Date();
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
          await writeAuditEvent(db, {
            action: "auth.sign-in-failed",
            outcome: "denied",
            actor: anonymousActor,
            meta,
            details: { method: "oidc", reason },
          });
          log.warn("sign-in refused", { requestId: meta.requestId, reason });
          throw error;
        }
        const user = await upsertSignedInUser(db, identity, now);
        const session = await startSignedInSession(db, {
          user,
          method: "oidc",
          now,
          maxAgeSeconds: config.sessionMaxAgeSeconds,
          evidence: mfaEvidenceFromOidcClaims(claims, config.mfa),
          tags: sessionTagsFromClaims(config.sessionTags, claims),
          meta,
        });
        return { sid: session.id };
      },
      session({ session, token }) {
        return { expires: session.expires, sid: token.sid };
      },
    },
    events: {
      async signOut({ token }) {
        const sid = token?.sid;
        if (typeof sid !== "string") return;
        const session = await db.portalSession.findUnique({
          where: { id: sid },
          include: { user: true },
        });
        const revoked = await revokePortalSession(db, sid, new Date());
        if (session && revoked) {
          await writeAuditEvent(db, {
            action: "auth.sign-out",
            outcome: "success",
            actor: {
              userId: session.user.id,
              issuer: session.user.issuer,
              subject: session.user.subject,
              email: session.user.email,
              groups: null,
            },
            meta,
          });
        }
      },
    },
    logger: {
      error(code, metadata) {
        // next-auth reports OAuth failures here (state/PKCE mismatch, IdP errors, refused claims).
        const reason = metadata instanceof Error ? metadata.message : String(code);
        log.warn("sign-in error", { requestId: meta.requestId, code, reason });
        if (
          code === "OAUTH_CALLBACK_ERROR" ||
          code === "OAUTH_CALLBACK_HANDLER_ERROR" ||
          code === "SIGNIN_OAUTH_ERROR"
        ) {
          writeAuditEvent(db, {
            action: "auth.sign-in-failed",
            outcome: "error",
            actor: anonymousActor,
            meta,
            details: { method: "oidc", code, reason: reason.slice(0, 500) },
          }).catch(() => undefined);
        }
      },
      warn(code) {
        log.warn("next-auth warning", { code });
      },
      debug() {},
    },
  };
}

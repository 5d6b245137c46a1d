import "server-only";
import { writeAuditEvent } from "@/lib/audit/write-audit-event";
import type { Db } from "@/lib/db/client";
import type { RequestMeta } from "@/lib/request-meta";
import type { StoredUser } from "@/lib/users/upsert-signed-in-user";
import type { MfaEvidence } from "./mfa-evidence";
import { createPortalSession, type SingleLogoutHandle } from "./portal-session";

/**
 * The last step of every sign-in, OIDC or SAML: the server-side portal session (with the sign-in's
 * MFA evidence and session tags) and its auth.sign-in audit event. `details` adds what only that
 * method knows (e.g. the SAML IdP and assertion id).
 */
export async function startSignedInSession(
  db: Db,
  args: {
    user: StoredUser;
    method: "oidc" | "saml";
    now: Date;
    maxAgeSeconds: number;
    /** The IdP's own bound on the session (SAML SessionNotOnOrAfter), if any. */
    notAfter?: Date | null;
    evidence: MfaEvidence;
    tags: { tags: Record<string, string>; problems: string[] };
    meta: RequestMeta;
    details?: Record<string, unknown>;
    /** What signing out needs to end the sign-in at the IdP too (docs/SINGLE-LOGOUT.md). */
    singleLogout?: SingleLogoutHandle | null;
  },
): Promise<{ id: string; expiresAt: Date }> {
  const { user, evidence, tags } = args;
  const session = await createPortalSession(db, user.id, {
    now: args.now,
    maxAgeSeconds: args.maxAgeSeconds,
    method: args.method,
    ...(args.notAfter !== undefined ? { notAfter: args.notAfter } : {}),
    mfaAuthenticated: evidence.mfaAuthenticated,
    authnContext: evidence.authnContext,
    sessionTags: tags.tags,
    singleLogout: args.singleLogout ?? null,
  });
  await writeAuditEvent(db, {
    action: "auth.sign-in",
    outcome: "success",
    actor: {
      userId: user.id,
      issuer: user.issuer,
      subject: user.subject,
      email: user.email,
      groups: user.groups,
    },
    meta: args.meta,
    details: {
      method: args.method,
      ...(user.joinedPersonByEmail ? { linkedToPersonByEmail: user.personId } : {}),
      ...args.details,
      sessionExpiresAt: session.expiresAt.toISOString(),
      mfaAuthenticated: evidence.mfaAuthenticated,
      authnContext: evidence.authnContext,
      sessionTagKeys: Object.keys(tags.tags).join(",").slice(0, 1000),
      ...(tags.problems.length > 0
        ? { sessionTagProblems: tags.problems.join("; ").slice(0, 1000) }
        : {}),
    },
  });
  return session;
}

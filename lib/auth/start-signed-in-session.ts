import "server-only";
import { writeAuditEvent } from "@/lib/audit/write-audit-event";
import type { Db } from "@/lib/db/client";
import type { RequestMeta } from "@/lib/request-meta";
import type { StoredUser } from "@/lib/users/upsert-signed-in-user";
import type { MfaEvidence } from "./mfa-evidence";
import { createPortalSession, type SingleLogoutHandle } from "./portal-session";

/** The SAML IdP a sign-in came through was disabled, or its entity ID changed, since its check. */
export class SignInIdpWithdrawn extends Error {
  constructor(readonly samlIdpId: string) {
    super(`SAML IdP ${samlIdpId} was disabled or changed its entity ID during this sign-in`);
    this.name = "SignInIdpWithdrawn";
  }
}

/**
 * Whether the SAML IdP is still enabled under `entityId`, holding its row until the transaction
 * ends. The no-op write is the lock: on PostgreSQL a disable committed first makes it match nothing,
 * and a disable running beside it waits, then (serializable) reruns and sees this session to end
 * it; SQLite runs one writer at a time. A raw statement, so the IdP's updatedAt (the edit form's
 * version) stays put.
 */
async function holdEnabledSamlIdp(
  tx: Pick<Db, "$executeRaw">,
  samlIdpId: string,
  entityId: string,
): Promise<boolean> {
  const held = await tx.$executeRaw`UPDATE "SamlIdentityProvider" SET "enabled" = "enabled"
    WHERE "id" = ${samlIdpId} AND "entityId" = ${entityId} AND "enabled" = true`;
  return held === 1;
}

/**
 * The last step of every sign-in, OIDC or SAML: the server-side portal session (with the sign-in's
 * MFA evidence and session tags) and its auth.sign-in audit event. `details` adds what only that
 * method knows (e.g. the SAML IdP and assertion id).
 *
 * A SAML session is opened only if its IdP is still enabled, under the entity ID the user signed
 * in as, in the same transaction that creates it: an admin's disable can't be overtaken by a
 * sign-in checked just before it (docs/SECURITY.md "Trust per IdP"). The check is paid once per
 * sign-in, not on every request. The OIDC IdP is configuration, which no admin can disable.
 * @throws SignInIdpWithdrawn when the SAML IdP no longer is (no session is created)
 */
export async function startSignedInSession(
  db: Db,
  args: {
    user: StoredUser;
    /** The SAML IdP's id with method "saml": the IdP that verified the assertion. */
    signedInThrough: { method: "oidc" } | { method: "saml"; samlIdpId: string };
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
  const { user, evidence, tags, signedInThrough: through } = args;
  const method = through.method;
  const open = (client: Pick<Db, "portalSession">) =>
    createPortalSession(client, user.id, {
      now: args.now,
      maxAgeSeconds: args.maxAgeSeconds,
      method,
      ...(args.notAfter !== undefined ? { notAfter: args.notAfter } : {}),
      mfaAuthenticated: evidence.mfaAuthenticated,
      authnContext: evidence.authnContext,
      sessionTags: tags.tags,
      singleLogout: args.singleLogout ?? null,
    });
  const session =
    through.method === "oidc"
      ? await open(db)
      : await db.$transaction(async (tx) => {
          if (!(await holdEnabledSamlIdp(tx, through.samlIdpId, user.issuer)))
            throw new SignInIdpWithdrawn(through.samlIdpId);
          return open(tx);
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
      method,
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

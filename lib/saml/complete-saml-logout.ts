import "server-only";
import { writeAuditEvent } from "@/lib/audit/write-audit-event";
import type { AppConfig } from "@/lib/config";
import type { Db } from "@/lib/db/client";
import type { RequestMeta } from "@/lib/request-meta";
import type { SamlIdpConfig } from "./idp-registry";
import { consumeLogoutRequest } from "./logout-requests";
import { recordSamlRefusal } from "./record-saml-refusal";
import { verifyLogoutResponse, type LogoutResponseMessage } from "./verify-logout-response";

export interface SamlLogoutResult {
  idp: SamlIdpConfig;
  /** Whether the IdP confirmed that it ended its session (status Success). */
  confirmed: boolean;
}

/**
 * The IdP's LogoutResponse at the portal's SLO endpoint (docs/SINGLE-LOGOUT.md "SAML"): verified
 * like a sign-in response (verify-logout-response.ts), then it must answer a LogoutRequest this
 * browser sent at sign-out, once. The outcome is audited as `auth.single-logout` under the person
 * who signed out: success when the IdP says Success, error when it says it could not. A refused
 * response is audited (as an anonymous refusal: nothing in it is trusted) with its specific
 * reason and rethrown; the portal session was revoked before the LogoutRequest left, so nothing
 * here can keep anyone signed in.
 * @throws SamlRejection (after auditing it)
 */
export async function completeSamlLogout(args: {
  db: Db;
  config: AppConfig;
  /** Reads the message (inside the audited path, so even an oversized POST is recorded). */
  readMessage: () => Promise<LogoutResponseMessage>;
  bindingValue: string | undefined;
  meta: RequestMeta;
  now: Date;
}): Promise<SamlLogoutResult> {
  const { db, config, meta, now } = args;
  const found: { idp: SamlIdpConfig | null } = { idp: null };
  try {
    const response = await verifyLogoutResponse({
      db,
      message: await args.readMessage(),
      sloUrl: config.saml.sloUrl,
      time: {
        now,
        skewSeconds: config.saml.clockSkewSeconds,
        maxAgeSeconds: config.saml.maxAssertionAgeSeconds,
      },
      found,
    });
    const idp = found.idp;
    if (!idp) throw new Error("verifyLogoutResponse returned without naming the IdP");
    const { userId } = await consumeLogoutRequest(db, response.inResponseTo, {
      idpId: idp.id,
      bindingValue: args.bindingValue,
      now,
    });
    const user = userId ? await db.user.findUnique({ where: { id: userId } }) : null;
    await writeAuditEvent(db, {
      action: "auth.single-logout",
      outcome: response.success ? "success" : "error",
      actor: {
        userId: user?.id ?? null,
        issuer: user?.issuer ?? idp.entityId,
        subject: user?.subject ?? null,
        email: user?.email ?? null,
        groups: null,
      },
      meta,
      details: {
        method: "saml",
        idp: idp.slug,
        logoutRequestId: response.inResponseTo.slice(0, 128),
        ...(response.success
          ? {}
          : {
              reason: "the IdP answered that it did not end its session",
              idpStatus: response.status,
              ...(response.subStatus ? { idpSubStatus: response.subStatus } : {}),
            }),
      },
    });
    return { idp, confirmed: response.success };
  } catch (error) {
    await recordSamlRefusal({
      db,
      error,
      idp: found.idp,
      action: "auth.single-logout",
      what: "SAML LogoutResponse",
      meta,
      now,
      rateLimits: config.rateLimits,
    });
    throw error;
  }
}

import "server-only";
import { randomBytes } from "node:crypto";
import { writeAuditEvent } from "@/lib/audit/write-audit-event";
import type { AppConfig } from "@/lib/config";
import { openValue } from "@/lib/crypto/sealed-value";
import type { Db } from "@/lib/db/client";
import type { RequestMeta } from "@/lib/request-meta";
import { log } from "@/lib/log";
import { rememberLogoutRequest } from "@/lib/saml/logout-requests";
import { buildLogoutRequest } from "@/lib/saml/service-provider";
import { endSessionUrl, postLogoutRedirectUri, type EndSessionDiscovery } from "./oidc-end-session";
import { ID_TOKEN_SEAL_PURPOSE, revokePortalSession } from "./portal-session";
import type { IdpLogoutState, SignOutNotice } from "./sign-out-notice";

/** Where the browser lands when the IdP is not involved (or its leg is over). */
export const SIGNED_OUT_PATH = "/signin?signedOut=1";

export interface SignOutOutcome {
  /** Where to send the browser next: the IdP's logout endpoint, or the signed-out page. */
  redirectTo: string;
  /** What the signed-out page will say about the IdP; null when nobody was signed in. */
  notice: SignOutNotice | null;
}

/**
 * Signing out (docs/SINGLE-LOGOUT.md): the portal session is revoked and audited first —
 * whatever happens at the IdP afterwards, the portal session is over — then, where the IdP
 * supports it and GATEHOUSE_SINGLE_LOGOUT is on, the browser is sent on to end the sign-in at
 * the IdP too: OIDC RP-initiated logout (end_session_endpoint with the id_token_hint) or a SAML
 * LogoutRequest (HTTP-Redirect, to the IdP's SingleLogoutService, answered at the portal's SLO
 * endpoint). Otherwise the signed-out page says that the IdP session lives on.
 */
export async function signOutSession(args: {
  db: Db;
  config: AppConfig;
  sessionId: string | null;
  /** The browser's SAML binding value (cookie), which a LogoutResponse must come back with. */
  bindingValue: string;
  meta: RequestMeta;
  now: Date;
  /** The OIDC IdP's end_session_endpoint, looked up only when it is needed. */
  discoverEndSession: (issuer: string) => Promise<EndSessionDiscovery>;
}): Promise<SignOutOutcome> {
  const { db, meta, now } = args;
  const nobody = { redirectTo: SIGNED_OUT_PATH, notice: null };
  if (args.sessionId === null) return nobody;
  const session = await db.portalSession.findUnique({
    where: { id: args.sessionId },
    include: { user: true },
  });
  // Revoke first: the IdP leg may fail or never come back, and must not keep the portal open.
  const revoked = await revokePortalSession(db, args.sessionId, now);
  if (!session || !revoked) return nobody;

  let leg: IdpLeg;
  try {
    leg = await planIdpLeg({ ...args, session });
  } catch (error) {
    // The portal session is already over; the IdP leg is only skipped, and the page says so.
    log.error("single logout could not be started", {
      requestId: meta.requestId,
      error: error instanceof Error ? error.message : String(error),
    });
    leg = { state: "unavailable", idpName: "your identity provider", reason: "internal error" };
  }
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
    details: {
      method: session.method,
      singleLogout: leg.state,
      ...(leg.idp ? { idp: leg.idp } : {}),
      ...(leg.reason ? { reason: leg.reason } : {}),
    },
  });
  return {
    redirectTo: leg.redirectTo ?? SIGNED_OUT_PATH,
    notice: {
      idpName: leg.idpName,
      state: leg.state,
      ...(leg.logoutState ? { logoutState: leg.logoutState } : {}),
    },
  };
}

interface IdpLeg {
  state: IdpLogoutState;
  idpName: string;
  /** The IdP's slug (SAML) or "oidc", for the audit record. */
  idp?: string;
  redirectTo?: string;
  logoutState?: string;
  /** Why there is no IdP leg, for the audit record (never a secret). */
  reason?: string;
}

type SessionRow = NonNullable<Awaited<ReturnType<Db["portalSession"]["findUnique"]>>> & {
  user: { id: string; issuer: string };
};

async function planIdpLeg(args: {
  db: Db;
  config: AppConfig;
  session: SessionRow;
  bindingValue: string;
  meta: RequestMeta;
  now: Date;
  discoverEndSession: (issuer: string) => Promise<EndSessionDiscovery>;
}): Promise<IdpLeg> {
  const { session, config } = args;
  if (session.method === "saml") return planSamlLeg(args);
  const oidc = config.oidc;
  // A session of an OIDC IdP that is no longer the configured one: nothing to send it to.
  if (!oidc || session.user.issuer !== oidc.issuer)
    return {
      state: "unsupported",
      idpName: "your identity provider",
      reason: "not the configured OIDC IdP",
    };
  const base = { idpName: oidc.displayName, idp: "oidc" };
  if (!config.singleLogout) return { ...base, state: "off" };
  const discovery = await args.discoverEndSession(oidc.issuer);
  if (!discovery.ok) {
    log.warn("OIDC end_session_endpoint unavailable", {
      requestId: args.meta.requestId,
      reason: discovery.reason,
    });
    return { ...base, state: "unavailable", reason: discovery.reason };
  }
  if (discovery.endpoint === null)
    return { ...base, state: "unsupported", reason: "no end_session_endpoint" };
  let idTokenHint: string | null = null;
  if (session.oidcIdTokenSealed) {
    try {
      idTokenHint = openValue(
        config.authSecret,
        ID_TOKEN_SEAL_PURPOSE,
        session.oidcIdTokenSealed,
        session.id,
      );
    } catch {
      // Sealed under another secret: the IdP is asked with client_id alone (it may confirm).
      idTokenHint = null;
    }
  }
  const logoutState = randomBytes(24).toString("base64url");
  return {
    ...base,
    state: "oidc-sent",
    logoutState,
    redirectTo: endSessionUrl(discovery.endpoint, {
      idTokenHint,
      clientId: oidc.clientId,
      postLogoutRedirectUri: postLogoutRedirectUri(config.publicUrl),
      state: logoutState,
    }),
  };
}

async function planSamlLeg(args: {
  db: Db;
  config: AppConfig;
  session: SessionRow;
  bindingValue: string;
  meta: RequestMeta;
  now: Date;
}): Promise<IdpLeg> {
  const { db, config, session, now } = args;
  const idp = session.samlIdpId
    ? await db.samlIdentityProvider.findFirst({ where: { id: session.samlIdpId } })
    : await db.samlIdentityProvider.findFirst({ where: { entityId: session.user.issuer } });
  if (!idp)
    return { state: "unsupported", idpName: "your identity provider", reason: "IdP removed" };
  const base = { idpName: idp.displayName, idp: idp.slug };
  if (!config.singleLogout) return { ...base, state: "off" };
  if (!idp.enabled) return { ...base, state: "unsupported", reason: "IdP disabled" };
  if (!idp.sloUrl) return { ...base, state: "unsupported", reason: "no SingleLogoutService" };
  if (!session.samlNameId)
    return { ...base, state: "unsupported", reason: "the session predates single logout" };
  const request = buildLogoutRequest(
    config.saml,
    { entityId: idp.entityId, ssoUrl: idp.ssoUrl, sloUrl: idp.sloUrl },
    {
      nameId: session.samlNameId,
      nameIdFormat: session.samlNameIdFormat,
      nameQualifier: session.samlNameQualifier,
      spNameQualifier: session.samlSpNameQualifier,
      sessionIndex: session.samlSessionIndex,
    },
    { relayState: args.meta.requestId, now },
  );
  await rememberLogoutRequest(db, {
    id: request.id,
    idpId: idp.id,
    userId: session.user.id,
    bindingValue: args.bindingValue,
    now,
  });
  return { ...base, state: "saml-sent", redirectTo: request.redirectUrl };
}

import type { ServerResponse } from "node:http";

import { appById, type IdpContext, type RegisteredApp } from "./context";
import { AUTO_POST_HEADERS, renderAutoPostPage, sendHtml } from "./pages";
import { SAML_MFA_CONTEXTS, SAML_PASSWORD_CONTEXT } from "../oidc-idp/mfa";
import type { IdpSession, PendingSignIn } from "./sessions";

/** Signs a login response for the session's user and hands it to the browser to POST to the app. */
export async function postResponse(
  ctx: IdpContext,
  res: ServerResponse,
  pending: Extract<PendingSignIn, { kind: "sso" | "start" }>,
  session: IdpSession,
): Promise<void> {
  const app = appById(ctx, pending.appId);
  const inResponseTo = pending.kind === "sso" ? pending.requestId : undefined;
  const samlResponse = await ctx.signer.loginResponse({
    target: app,
    user: session.user,
    session,
    inResponseTo,
    nameIdFormat: pending.kind === "sso" ? pending.nameIdFormat : "emailAddress",
    // What was asked for (RequestedAuthnContext), else how the user actually signed in.
    authnContextClassRef:
      (pending.kind === "sso" ? pending.authnContextClassRef : undefined) ??
      (session.mfa ? SAML_MFA_CONTEXTS[0] : SAML_PASSWORD_CONTEXT),
  });
  ctx.log(
    `response to ${app.id} for ${session.user.username} (${inResponseTo ? `InResponseTo ${inResponseTo}` : "unsolicited"})`,
  );
  sendAutoPost(ctx, res, app, samlResponse, pending.relayState);
}

export function sendAutoPost(
  ctx: IdpContext,
  res: ServerResponse,
  app: RegisteredApp,
  samlResponse: string,
  relayState: string | undefined,
): void {
  const html = renderAutoPostPage({
    title: ctx.title,
    appName: app.name,
    acsUrl: app.acsUrl,
    samlResponse,
    relayState,
  });
  sendHtml(res, 200, html, AUTO_POST_HEADERS);
}

import type { IncomingMessage, ServerResponse } from "node:http";

import {
  decodePostRequest,
  decodeRedirectRequest,
  parseAuthnRequest,
  POST_BINDING,
  SamlRequestError,
  type ParsedAuthnRequest,
} from "./authn-request";
import { findSession, START_AGAIN, type IdpContext, type RegisteredApp } from "./context";
import { postResponse, sendAutoPost } from "./delivery";
import { BadRequest } from "./http";
import { startInteraction } from "./interactions";
import { SAML_MFA_CONTEXTS, SAML_PASSWORD_CONTEXT } from "../oidc-idp/mfa";
import type { PendingSignIn } from "./sessions";

// saml-bindings §3.4.3 / §3.5.3: RelayState MUST NOT exceed 80 bytes.
const MAX_RELAY_STATE_BYTES = 80;

/** SP-initiated: HTTP-Redirect (GET, deflated) or HTTP-POST (form, plain base64) binding. */
export async function receiveAuthnRequest(
  ctx: IdpContext,
  req: IncomingMessage,
  res: ServerResponse,
  params: URLSearchParams,
  binding: "redirect" | "post",
): Promise<void> {
  const encoded = singleParam(params, "SAMLRequest");
  if (!encoded)
    throw new SamlRequestError("no SAMLRequest", `The sign-in request is missing. ${START_AGAIN}`);
  const relayState = relayStateFrom(params);
  // A '+' that an SP forgot to percent-encode arrives as a space; base64 never contains one.
  const base64 = encoded.replaceAll(" ", "+");
  const request = parseAuthnRequest(
    binding === "redirect" ? decodeRedirectRequest(base64) : decodePostRequest(base64),
  );
  const app = appForRequest(ctx, request);
  const context = contextFor(request);
  if (!context) {
    // saml-core §3.2.2.2: the IdP can't meet the requested authentication context.
    const samlResponse = await ctx.signer.authnFailedResponse(
      app,
      request.id,
      "The requested authentication context is not supported.",
      "noAuthnContext",
    );
    ctx.log(`NoAuthnContext response to ${app.id} (InResponseTo ${request.id})`);
    return sendAutoPost(ctx, res, app, samlResponse, relayState);
  }

  const pending: Extract<PendingSignIn, { kind: "sso" }> = {
    kind: "sso",
    appId: app.id,
    requestId: request.id,
    nameIdFormat: request.nameIdFormat,
    relayState,
    needsMfa: context.needsMfa,
    ...(context.classRef ? { authnContextClassRef: context.classRef } : {}),
  };
  const session = findSession(ctx, req);
  if (session && !request.forceAuthn && (!pending.needsMfa || session.mfa))
    return postResponse(ctx, res, pending, session);
  if (request.isPassive) {
    throw new SamlRequestError(
      "IsPassive request without a usable session",
      `You are not signed in at the identity provider, and the application asked not to be prompted. ${START_AGAIN}`,
    );
  }
  startInteraction(ctx, res, pending);
}

const MFA_CONTEXTS: readonly string[] = SAML_MFA_CONTEXTS;

/**
 * What a RequestedAuthnContext asks of this IdP, which knows two contexts: a password
 * (PasswordProtectedTransport) and password plus a code (the MFA class refs). Null when the
 * request can't be met. Without one, the response says how the user actually signed in.
 */
function contextFor(request: ParsedAuthnRequest): { classRef?: string; needsMfa: boolean } | null {
  const requested = request.requestedAuthnContext;
  if (!requested) return { needsMfa: false };
  const mfa = requested.classRefs.find((ref) => MFA_CONTEXTS.includes(ref));
  const password = requested.classRefs.includes(SAML_PASSWORD_CONTEXT);
  const withMfa = mfa ? { classRef: mfa, needsMfa: true } : null;
  const withPassword = password ? { classRef: SAML_PASSWORD_CONTEXT, needsMfa: false } : null;
  switch (requested.comparison) {
    case "exact":
    case "maximum":
      // Any listed context will do: this IdP gives the strongest one listed.
      return withMfa ?? withPassword;
    case "minimum":
      // At least as strong as one listed: the weakest listed suffices.
      return withPassword ?? withMfa;
    case "better":
      // Stronger than every listed context: only MFA beats a password, nothing beats MFA here.
      return mfa || !password ? null : { classRef: MFA_CONTEXTS[0], needsMfa: true };
  }
}

/**
 * The application is found by the request's Issuer; what the request says about where the
 * response goes must match what was registered, or the response could be sent elsewhere.
 */
function appForRequest(ctx: IdpContext, request: ParsedAuthnRequest): RegisteredApp {
  const app = ctx.appsBySpEntityId.get(request.issuer);
  if (!app) {
    throw new SamlRequestError(
      `unknown issuer ${request.issuer}`,
      `This application is not registered with the identity provider. ${START_AGAIN}`,
    );
  }
  if (request.acsUrl !== undefined && request.acsUrl !== app.acsUrl) {
    throw new SamlRequestError(
      `AssertionConsumerServiceURL ${request.acsUrl} is not ${app.id}'s ${app.acsUrl}`,
      `The application asked for the sign-in response to be sent to an address it has not registered. ${START_AGAIN}`,
    );
  }
  if (
    request.acsIndex !== undefined &&
    (request.acsUrl !== undefined || request.acsIndex !== "0")
  ) {
    throw new SamlRequestError(
      `AssertionConsumerServiceIndex ${request.acsIndex} (only 0, and not with a URL)`,
    );
  }
  if (request.protocolBinding !== undefined && request.protocolBinding !== POST_BINDING) {
    throw new SamlRequestError(`ProtocolBinding ${request.protocolBinding} is not HTTP-POST`);
  }
  if (request.destination !== undefined && request.destination !== ctx.ssoUrl) {
    throw new SamlRequestError(`Destination ${request.destination} is not ${ctx.ssoUrl}`);
  }
  return app;
}

/** IdP-initiated: an unsolicited response (no InResponseTo) for an app that allows it. */
export async function startFromIdp(
  ctx: IdpContext,
  req: IncomingMessage,
  res: ServerResponse,
  appId: string,
  params: URLSearchParams,
): Promise<void> {
  const app = ctx.apps.get(appId);
  if (!app?.allowIdpInitiated) {
    throw new BadRequest(
      400,
      "This application can't be started from the identity provider.",
      `no IdP-initiated app ${appId}`,
    );
  }
  const pending: PendingSignIn = {
    kind: "start",
    appId: app.id,
    relayState: relayStateFrom(params),
  };
  const session = findSession(ctx, req);
  if (session) return postResponse(ctx, res, pending, session);
  startInteraction(ctx, res, pending);
}

function singleParam(params: URLSearchParams, name: string): string | undefined {
  const values = params.getAll(name);
  if (values.length > 1) throw new SamlRequestError(`${name} given ${values.length} times`);
  return values[0];
}

function relayStateFrom(params: URLSearchParams): string | undefined {
  const relayState = singleParam(params, "RelayState");
  if (relayState !== undefined && Buffer.byteLength(relayState) > MAX_RELAY_STATE_BYTES) {
    throw new SamlRequestError(`RelayState longer than ${MAX_RELAY_STATE_BYTES} bytes`);
  }
  return relayState || undefined;
}

import type { IncomingMessage, ServerResponse } from "node:http";

import {
  decodeRedirectRequest,
  NAME_ID_FORMATS,
  parseLogoutRequest,
  SamlRequestError,
  type ParsedLogoutRequest,
} from "./authn-request";
import { findSession, type IdpContext } from "./context";
import { addCookie, serializeCookie } from "./http";
import type { IdpSession } from "./sessions";

const MAX_RELAY_STATE_BYTES = 80;
const GO_BACK = "Go back to the application.";

/**
 * SP-initiated single logout (saml-profiles §4.4): an application's LogoutRequest, by the
 * HTTP-Redirect binding, ends this IdP's session of the principal it names — the session its
 * SessionIndex names, or this browser's when it names none — and the browser is sent back to the
 * application's SingleLogoutService with a signed LogoutResponse (HTTP-Redirect, query
 * signature). After that, the next sign-in at any application asks for the password again.
 */
export function receiveLogoutRequest(
  ctx: IdpContext,
  req: IncomingMessage,
  res: ServerResponse,
  params: URLSearchParams,
): void {
  const encoded = single(params, "SAMLRequest");
  if (!encoded)
    throw new SamlRequestError("no SAMLRequest", `The sign-out request is missing. ${GO_BACK}`);
  const relayState = single(params, "RelayState") || undefined;
  if (relayState !== undefined && Buffer.byteLength(relayState) > MAX_RELAY_STATE_BYTES)
    throw new SamlRequestError(`RelayState longer than ${MAX_RELAY_STATE_BYTES} bytes`);
  const request = parseLogoutRequest(decodeRedirectRequest(encoded.replaceAll(" ", "+")));
  const app = ctx.appsBySpEntityId.get(request.issuer);
  const appSloUrl = app?.sloUrl;
  if (!app || !appSloUrl || !ctx.sloUrl) {
    throw new SamlRequestError(
      `no single logout URL for issuer ${request.issuer}`,
      `This application has no sign-out address registered with the identity provider. ${GO_BACK}`,
    );
  }
  if (request.destination !== undefined && request.destination !== ctx.sloUrl)
    throw new SamlRequestError(`Destination ${request.destination} is not ${ctx.sloUrl}`);

  const browserSession = findSession(ctx, req);
  const ended = ctx.sessions.endWhere((session) => isNamedBy(request, session, browserSession));
  const browserSessionEnded =
    browserSession !== undefined && isNamedBy(request, browserSession, browserSession);
  if (browserSessionEnded) addCookie(res, serializeCookie(ctx.cookieNames.session, "", "/", 0));
  ctx.log(`single logout from ${app.id}: ${ended} session(s) ended (LogoutRequest ${request.id})`);

  const location = ctx.signer.logoutResponseUrl(
    { id: app.id, spEntityId: app.spEntityId, sloUrl: appSloUrl },
    { inResponseTo: request.id, relayState },
  );
  res.writeHead(302, { Location: location, "Cache-Control": "no-store" });
  res.end();
}

/**
 * Whether the LogoutRequest is about `session`: its NameID is the session user's (as this IdP
 * issues them: the email, or the subject for persistent NameIDs; a transient one can't be told
 * apart, so it counts by SessionIndex alone), and its SessionIndex is the session's — or, naming
 * none, the session is this browser's.
 */
function isNamedBy(
  request: ParsedLogoutRequest,
  session: IdpSession,
  browserSession: IdpSession | undefined,
): boolean {
  const transient = request.nameIdFormat === NAME_ID_FORMATS.transient;
  const sameUser =
    transient || request.nameId === session.user.email || request.nameId === session.user.subject;
  if (!sameUser) return false;
  return request.sessionIndexes.length > 0
    ? request.sessionIndexes.includes(session.sessionIndex)
    : session === browserSession;
}

function single(params: URLSearchParams, name: string): string | undefined {
  const values = params.getAll(name);
  if (values.length > 1) throw new SamlRequestError(`${name} given ${values.length} times`);
  return values[0];
}

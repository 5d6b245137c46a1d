import type { IncomingMessage, ServerResponse } from "node:http";

import { SamlRequestError } from "./authn-request";
import { findSession, START_AGAIN, type IdpContext } from "./context";
import { addCookie, BadRequest, readCookies, readForm, serializeCookie } from "./http";
import { cancelLogin, showLogin, startInteraction, submitCode, submitLogin } from "./interactions";
import { describeError } from "./log";
import { renderDashboard, renderMessagePage, sendHtml } from "./pages";
import { receiveLogoutRequest } from "./slo";
import { receiveAuthnRequest, startFromIdp } from "./sso";

export type { IdpContext, RegisteredApp } from "./context";

const START_ROUTE = /^\/saml\/start\/([\w.-]{1,64})$/;
const LOGIN_ROUTE = /^\/saml\/login\/([\w-]{22})(?:\/(cancel|mfa))?$/;

/**
 * Serves every route of the IdP. Never rejects: each failure becomes an HTML page (400 with a
 * message for bad input, a generic 500 otherwise) and one log line without the SAML message.
 */
export async function handleRequest(
  ctx: IdpContext,
  req: IncomingMessage,
  res: ServerResponse,
): Promise<void> {
  const url = new URL(req.url ?? "/", "http://saml-idp.invalid");
  try {
    await route(ctx, req, res, url);
  } catch (err) {
    respondWithError(ctx, req, res, url.pathname, err);
  }
}

async function route(
  ctx: IdpContext,
  req: IncomingMessage,
  res: ServerResponse,
  url: URL,
): Promise<void> {
  const method = req.method ?? "GET";
  const { pathname } = url;
  const login = LOGIN_ROUTE.exec(pathname);
  const start = START_ROUTE.exec(pathname);

  if (pathname === "/saml/metadata") {
    allow(method, "GET");
    res.writeHead(200, {
      "Content-Type": "application/samlmetadata+xml; charset=utf-8",
      "Cache-Control": "no-store",
      "X-Content-Type-Options": "nosniff",
      "Content-Length": Buffer.byteLength(ctx.metadataXml),
    });
    res.end(ctx.metadataXml);
  } else if (pathname === "/saml/sso") {
    allow(method, "GET", "POST");
    const params = method === "POST" ? await readForm(req) : url.searchParams;
    await receiveAuthnRequest(ctx, req, res, params, method === "POST" ? "post" : "redirect");
  } else if (pathname === "/saml/slo" && ctx.sloUrl) {
    allow(method, "GET");
    receiveLogoutRequest(ctx, req, res, url.searchParams);
  } else if (start) {
    allow(method, "GET");
    await startFromIdp(ctx, req, res, start[1] ?? "", url.searchParams);
  } else if (login) {
    const [, uid = "", action] = login;
    if (action === "cancel") {
      allow(method, "GET");
      await cancelLogin(ctx, req, res, uid);
    } else if (action === "mfa") {
      allow(method, "POST");
      await submitCode(ctx, req, res, uid);
    } else {
      allow(method, "GET", "POST");
      await (method === "POST" ? submitLogin(ctx, req, res, uid) : showLogin(ctx, req, res, uid));
    }
  } else if (pathname === "/") {
    allow(method, "GET");
    showDashboard(ctx, req, res);
  } else if (pathname === "/logout") {
    allow(method, "POST");
    logout(ctx, req, res);
  } else {
    throw new BadRequest(404, "Not found.");
  }
}

function allow(method: string, ...methods: string[]): void {
  if (!methods.includes(method)) throw new BadRequest(405, "Method not allowed.");
}

function showDashboard(ctx: IdpContext, req: IncomingMessage, res: ServerResponse): void {
  const session = findSession(ctx, req);
  if (!session) return startInteraction(ctx, res, { kind: "dashboard" });
  const apps = [...ctx.apps.values()].filter((app) => app.allowIdpInitiated);
  sendHtml(res, 200, renderDashboard(ctx.title, session.user.name, apps));
}

function logout(ctx: IdpContext, req: IncomingMessage, res: ServerResponse): void {
  ctx.sessions.delete(readCookies(req).get(ctx.cookieNames.session));
  addCookie(res, serializeCookie(ctx.cookieNames.session, "", "/", 0));
  sendHtml(
    res,
    200,
    renderMessagePage(
      ctx.title,
      "Signed out",
      "You have been signed out of the identity provider.",
      false,
    ),
  );
}

function respondWithError(
  ctx: IdpContext,
  req: IncomingMessage,
  res: ServerResponse,
  pathname: string,
  err: unknown,
): void {
  let status = 500;
  let message = `Something went wrong. ${START_AGAIN}`;
  let reason = describeError(err);
  if (err instanceof BadRequest) {
    ({ status, userMessage: message, reason } = err);
  } else if (err instanceof SamlRequestError) {
    status = 400;
    ({ message, reason } = err);
  }
  ctx.log(`${req.method ?? "?"} ${pathname}: ${status} ${reason}`);
  if (res.headersSent) {
    res.end();
    return;
  }
  // Cookies set before the failure (a new session, say) still go out: writeHead merges them.
  const heading =
    status >= 500
      ? "Something went wrong"
      : pathname === "/saml/slo"
        ? "Sign-out failed"
        : "Sign-in failed";
  sendHtml(res, status, renderMessagePage(ctx.title, heading, message, true));
}

import type { IncomingMessage, ServerResponse } from "node:http";

import { z } from "zod";

import { renderLoginPage } from "../oidc-idp/login-page";
import { appById, START_AGAIN, type IdpContext } from "./context";
import { postResponse, sendAutoPost } from "./delivery";
import { addCookie, BadRequest, readCookies, readForm, redirect, serializeCookie } from "./http";
import { renderMessagePage, sendHtml } from "./pages";
import { INTERACTION_TTL_SECONDS, SESSION_TTL_SECONDS, type PendingSignIn } from "./sessions";

const INVALID_CREDENTIALS = "Invalid username or password";

const LoginForm = z.object({
  username: z.string().trim().min(1).max(256),
  password: z.string().min(1).max(1024),
});

/** Sends the browser to the login page for `pending`, bound to it by a path-scoped cookie. */
export function startInteraction(
  ctx: IdpContext,
  res: ServerResponse,
  pending: PendingSignIn,
): void {
  const { interaction, secret } = ctx.interactions.start(pending);
  const path = `/saml/login/${interaction.uid}`;
  addCookie(
    res,
    serializeCookie(ctx.cookieNames.interaction, secret, path, INTERACTION_TTL_SECONDS),
  );
  redirect(res, path);
}

function loadInteraction(ctx: IdpContext, req: IncomingMessage, uid: string) {
  const interaction = ctx.interactions.find(uid, readCookies(req).get(ctx.cookieNames.interaction));
  if (!interaction) {
    throw new BadRequest(
      400,
      `Your sign-in request has expired or was not started here. ${START_AGAIN}`,
      "no such interaction for this browser",
    );
  }
  return interaction;
}

function endInteraction(ctx: IdpContext, res: ServerResponse, uid: string): void {
  ctx.interactions.delete(uid);
  addCookie(res, serializeCookie(ctx.cookieNames.interaction, "", `/saml/login/${uid}`, 0));
}

export function showLogin(
  ctx: IdpContext,
  req: IncomingMessage,
  res: ServerResponse,
  uid: string,
): void {
  const interaction = loadInteraction(ctx, req, uid);
  sendLoginPage(ctx, res, 200, uid, interaction.pending);
}

export async function submitLogin(
  ctx: IdpContext,
  req: IncomingMessage,
  res: ServerResponse,
  uid: string,
): Promise<void> {
  const { pending } = loadInteraction(ctx, req, uid);
  const form = LoginForm.safeParse(Object.fromEntries(await readForm(req)));
  const user = form.success
    ? ctx.users.verifyCredentials(form.data.username, form.data.password)
    : undefined;
  if (!form.success || !user) {
    const reason = !form.success
      ? "incomplete form"
      : ctx.users.usernames.includes(form.data.username)
        ? `wrong password for ${form.data.username}`
        : "unknown username";
    ctx.log(`login rejected (interaction ${uid}): ${reason}`);
    sendLoginPage(
      ctx,
      res,
      401,
      uid,
      pending,
      form.success ? form.data.username : undefined,
      INVALID_CREDENTIALS,
    );
    return;
  }

  endInteraction(ctx, res, uid);
  ctx.sessions.delete(readCookies(req).get(ctx.cookieNames.session));
  const { id, session } = ctx.sessions.create(user);
  addCookie(res, serializeCookie(ctx.cookieNames.session, id, "/", SESSION_TTL_SECONDS));
  ctx.log(`login ${user.username}`);
  if (pending.kind === "dashboard") return redirect(res, "/");
  await postResponse(ctx, res, pending, session);
}

/** Cancel: an SP that asked gets a signed AuthnFailed response; otherwise a plain page. */
export async function cancelLogin(
  ctx: IdpContext,
  req: IncomingMessage,
  res: ServerResponse,
  uid: string,
): Promise<void> {
  const { pending } = loadInteraction(ctx, req, uid);
  endInteraction(ctx, res, uid);
  if (pending.kind !== "sso") {
    sendHtml(
      res,
      200,
      renderMessagePage(ctx.title, "Sign-in cancelled", "You can close this window.", false),
    );
    return;
  }
  const app = appById(ctx, pending.appId);
  const samlResponse = await ctx.signer.authnFailedResponse(
    app,
    pending.requestId,
    "The user cancelled sign-in.",
  );
  ctx.log(`cancelled: AuthnFailed response to ${app.id} (InResponseTo ${pending.requestId})`);
  sendAutoPost(ctx, res, app, samlResponse, pending.relayState);
}

function sendLoginPage(
  ctx: IdpContext,
  res: ServerResponse,
  status: number,
  uid: string,
  pending: PendingSignIn,
  username?: string,
  error?: string,
): void {
  const html = renderLoginPage({
    title: ctx.title,
    action: `/saml/login/${uid}`,
    abortUrl: `/saml/login/${uid}/cancel`,
    clientId: pending.kind === "dashboard" ? "your applications" : appById(ctx, pending.appId).name,
    usernames: ctx.users.usernames,
    username,
    error,
  });
  sendHtml(res, status, html);
}

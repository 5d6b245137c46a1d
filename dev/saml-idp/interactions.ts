import type { IncomingMessage, ServerResponse } from "node:http";

import { z } from "zod";

import type { DemoUser } from "../demo-users";
import { renderLoginPage } from "../oidc-idp/login-page";
import { recordWrongCode, renderCodePage } from "../oidc-idp/mfa";
import { appById, START_AGAIN, type IdpContext } from "./context";
import { postResponse, sendAutoPost } from "./delivery";
import { addCookie, BadRequest, readCookies, readForm, redirect, serializeCookie } from "./http";
import { renderMessagePage, sendHtml } from "./pages";
import { INTERACTION_TTL_SECONDS, SESSION_TTL_SECONDS, type PendingSignIn } from "./sessions";

const INVALID_CREDENTIALS = "Invalid username or password";

const CodeForm = z.object({ code: z.string().trim().max(32) });

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
  const { pending, passwordVerified } = loadInteraction(ctx, req, uid);
  if (passwordVerified)
    throw new BadRequest(400, `This sign-in step has already been completed. ${START_AGAIN}`);
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

  if (pending.kind === "sso" && pending.needsMfa) {
    // The application asked for MFA (RequestedAuthnContext): the code step comes first.
    ctx.interactions.markPasswordVerified(uid, user);
    sendCodePage(ctx, res, 200, uid, user);
    return;
  }
  await finishLogin(ctx, req, res, uid, pending, user, { mfa: false });
}

/**
 * The code step: the right code signs the user in with MFA (the response carries the MFA
 * AuthnContextClassRef); a wrong one shows the form again, and after MAX_CODE_ATTEMPTS the
 * application gets a signed AuthnFailed response.
 */
export async function submitCode(
  ctx: IdpContext,
  req: IncomingMessage,
  res: ServerResponse,
  uid: string,
): Promise<void> {
  const { pending, passwordVerified } = loadInteraction(ctx, req, uid);
  if (!passwordVerified || pending.kind !== "sso") {
    throw new BadRequest(
      400,
      `Sign in with your password first. ${START_AGAIN}`,
      "code before password",
    );
  }
  const { user } = passwordVerified;
  const form = CodeForm.safeParse(Object.fromEntries(await readForm(req)));
  if (!form.success || !ctx.totp.verify(user.username, form.data.code)) {
    const outcome = recordWrongCode(passwordVerified);
    ctx.log(
      `code rejected for ${user.username} (interaction ${uid}, attempt ${passwordVerified.attempts})`,
    );
    if (outcome === "give-up") {
      endInteraction(ctx, res, uid);
      const app = appById(ctx, pending.appId);
      const samlResponse = await ctx.signer.authnFailedResponse(
        app,
        pending.requestId,
        "Too many wrong verification codes.",
      );
      sendAutoPost(ctx, res, app, samlResponse, pending.relayState);
      return;
    }
    sendCodePage(ctx, res, 401, uid, user, "Invalid verification code");
    return;
  }
  await finishLogin(ctx, req, res, uid, pending, user, { mfa: true });
}

async function finishLogin(
  ctx: IdpContext,
  req: IncomingMessage,
  res: ServerResponse,
  uid: string,
  pending: PendingSignIn,
  user: DemoUser,
  opts: { mfa: boolean },
): Promise<void> {
  endInteraction(ctx, res, uid);
  ctx.sessions.delete(readCookies(req).get(ctx.cookieNames.session));
  const { id, session } = ctx.sessions.create(user, opts);
  addCookie(res, serializeCookie(ctx.cookieNames.session, id, "/", SESSION_TTL_SECONDS));
  ctx.log(`login ${user.username}${opts.mfa ? " with MFA" : ""}`);
  if (pending.kind === "dashboard") return redirect(res, "/");
  await postResponse(ctx, res, pending, session);
}

function sendCodePage(
  ctx: IdpContext,
  res: ServerResponse,
  status: number,
  uid: string,
  user: DemoUser,
  error?: string,
): void {
  const html = renderCodePage({
    title: ctx.title,
    action: `/saml/login/${uid}/mfa`,
    abortUrl: `/saml/login/${uid}/cancel`,
    username: user.username,
    demoCode: ctx.totp.codeFor(user.username),
    error,
  });
  sendHtml(res, status, html);
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

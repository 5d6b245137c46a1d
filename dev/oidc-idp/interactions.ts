import type { IncomingMessage, ServerResponse } from "node:http";

import { errors, type Interaction, type Provider } from "oidc-provider";
import { z } from "zod";

import type { UserDirectory } from "./accounts";
import { escapeHtml, renderPage, sendHtml } from "./html";
import { describeError, type Log } from "./log";
import { renderLoginPage } from "./login-page";
import { MFA_ACR_VALUES, recordWrongCode, renderCodePage, type DemoTotp } from "./mfa";

/** A sign-in whose password was right and that now waits for its code (per interaction uid). */
export interface PendingCode {
  subject: string;
  username: string;
  acr: string;
  attempts: number;
  expiresAt: number;
}
// Bounds memory however many sign-ins are abandoned at the code step.
const MAX_PENDING_CODES = 10_000;
const PENDING_CODE_TTL_MS = 10 * 60 * 1000;

export interface InteractionContext {
  provider: Provider;
  users: UserDirectory;
  /** Clients registered at start: all first-party, so consent is granted without a screen. */
  firstPartyClientIds: ReadonlySet<string>;
  title: string;
  log: Log;
  /** The demo second factor; asked for when the client requests an MFA acr (acr_values). */
  totp: DemoTotp;
  pendingCodes: Map<string, PendingCode>;
}

const INVALID_CREDENTIALS = "Invalid username or password";

const MAX_FORM_BYTES = 8 * 1024;
// oidc-provider's interaction uids are nanoids; anything else is not a route of ours.
const ROUTE = /^\/interaction\/([A-Za-z0-9_-]{1,64})(?:\/(login|mfa|abort))?$/;

const CodeForm = z.object({ code: z.string().trim().max(32) });

const LoginForm = z.object({
  username: z.string().trim().min(1).max(256),
  password: z.string().min(1).max(1024),
});

class BadRequest extends Error {
  constructor(
    readonly status: number,
    readonly userMessage: string,
  ) {
    super(userMessage);
    this.name = "BadRequest";
  }
}

/** Whether a request path belongs to the interaction pages (the rest goes to oidc-provider). */
export function isInteractionPath(pathname: string): boolean {
  return pathname === "/interaction" || pathname.startsWith("/interaction/");
}

/**
 * Serves the login and consent steps oidc-provider delegates to /interaction/:uid. The interaction
 * is found through oidc-provider's path-scoped, signed, SameSite=Lax `_interaction` cookie, so a
 * form posted from another site or for another interaction finds no interaction and is refused.
 * Never rejects: every failure becomes an HTML error response and one log line.
 */
export async function handleInteraction(
  context: InteractionContext,
  req: IncomingMessage,
  res: ServerResponse,
): Promise<void> {
  try {
    const pathname = (req.url ?? "/").split("?", 1)[0] ?? "/";
    const match = ROUTE.exec(pathname);
    if (!match) throw new BadRequest(404, "Not found.");
    const [, uid, action] = match;

    switch (`${req.method ?? ""} ${action ?? "show"}`) {
      case "GET show":
        return await showInteraction(context, uid, req, res);
      case "POST login":
        return await submitLogin(context, uid, req, res);
      case "POST mfa":
        return await submitCode(context, uid, req, res);
      case "GET abort":
        return await abortInteraction(context, uid, req, res);
      default:
        throw new BadRequest(405, "Method not allowed.");
    }
  } catch (err) {
    respondWithError(context, req, res, err);
  }
}

async function loadInteraction(
  { provider }: InteractionContext,
  uid: string | undefined,
  req: IncomingMessage,
  res: ServerResponse,
): Promise<Interaction> {
  const interaction = await provider.interactionDetails(req, res);
  if (interaction.uid !== uid) throw new errors.SessionNotFound("interaction uid mismatch");
  return interaction;
}

async function showInteraction(
  context: InteractionContext,
  uid: string | undefined,
  req: IncomingMessage,
  res: ServerResponse,
): Promise<void> {
  const interaction = await loadInteraction(context, uid, req, res);
  switch (interaction.prompt.name) {
    case "login": {
      const hint = interaction.params.login_hint;
      sendLoginPage(context, interaction, res, 200, typeof hint === "string" ? hint : undefined);
      return;
    }
    case "consent":
      return grantConsent(context, interaction, req, res);
    default:
      throw new BadRequest(
        400,
        "This sign-in step is not supported by the demo identity provider.",
      );
  }
}

async function submitLogin(
  context: InteractionContext,
  uid: string | undefined,
  req: IncomingMessage,
  res: ServerResponse,
): Promise<void> {
  const interaction = await loadInteraction(context, uid, req, res);
  if (interaction.prompt.name !== "login")
    throw new BadRequest(400, "This sign-in step has already been completed.");

  const form = LoginForm.safeParse(Object.fromEntries(await readForm(req)));
  const user = form.success
    ? context.users.verifyCredentials(form.data.username, form.data.password)
    : undefined;
  if (!form.success || !user) {
    const attempted = form.success ? form.data.username : undefined;
    const reason = !form.success
      ? "incomplete form"
      : context.users.usernames.includes(form.data.username)
        ? `wrong password for ${form.data.username}`
        : "unknown username";
    context.log(`login rejected (interaction ${interaction.uid}): ${reason}`);
    sendLoginPage(context, interaction, res, 401, attempted, INVALID_CREDENTIALS);
    return;
  }

  const mfaAcr = requestedMfaAcr(interaction);
  if (mfaAcr) {
    // The password was right; the client asked for MFA: the code step comes before any login.
    rememberPendingCode(context, interaction.uid, {
      subject: user.subject,
      username: user.username,
      acr: mfaAcr,
      attempts: 0,
      expiresAt: Date.now() + PENDING_CODE_TTL_MS,
    });
    sendCodePage(context, interaction, user.username, res, 200);
    return;
  }
  await context.provider.interactionFinished(
    req,
    res,
    { login: { accountId: user.subject, amr: ["pwd"] } },
    { mergeWithLastSubmission: false },
  );
}

/** The first MFA acr the client asked for (acr_values, space-separated), if any. */
function requestedMfaAcr(interaction: Interaction): string | undefined {
  const requested = interaction.params.acr_values;
  if (typeof requested !== "string") return undefined;
  return requested
    .split(" ")
    .find((value) => (MFA_ACR_VALUES as readonly string[]).includes(value));
}

function rememberPendingCode(context: InteractionContext, uid: string, entry: PendingCode): void {
  const now = Date.now();
  for (const [key, pending] of context.pendingCodes) {
    if (pending.expiresAt > now && context.pendingCodes.size < MAX_PENDING_CODES) break;
    context.pendingCodes.delete(key);
  }
  context.pendingCodes.set(uid, entry);
}

/**
 * The code step: the right code finishes the login with amr ["pwd","mfa"] and the requested acr;
 * a wrong one shows the form again, and after MAX_CODE_ATTEMPTS the sign-in is refused.
 */
async function submitCode(
  context: InteractionContext,
  uid: string | undefined,
  req: IncomingMessage,
  res: ServerResponse,
): Promise<void> {
  const interaction = await loadInteraction(context, uid, req, res);
  const pending = context.pendingCodes.get(interaction.uid);
  if (interaction.prompt.name !== "login" || !pending || pending.expiresAt <= Date.now()) {
    context.pendingCodes.delete(interaction.uid);
    throw new BadRequest(
      400,
      "This sign-in step has expired. Go back to the application and start again.",
    );
  }
  const form = CodeForm.safeParse(Object.fromEntries(await readForm(req)));
  if (!form.success || !context.totp.verify(pending.username, form.data.code)) {
    const outcome = recordWrongCode(pending);
    context.log(
      `code rejected for ${pending.username} (interaction ${interaction.uid}, attempt ${pending.attempts})`,
    );
    if (outcome === "give-up") {
      context.pendingCodes.delete(interaction.uid);
      await context.provider.interactionFinished(
        req,
        res,
        { error: "access_denied", error_description: "Too many wrong verification codes" },
        { mergeWithLastSubmission: false },
      );
      return;
    }
    sendCodePage(context, interaction, pending.username, res, 401, "Invalid verification code");
    return;
  }
  context.pendingCodes.delete(interaction.uid);
  await context.provider.interactionFinished(
    req,
    res,
    { login: { accountId: pending.subject, amr: ["pwd", "mfa"], acr: pending.acr } },
    { mergeWithLastSubmission: false },
  );
}

function sendCodePage(
  context: InteractionContext,
  interaction: Interaction,
  username: string,
  res: ServerResponse,
  status: number,
  error?: string,
): void {
  const html = renderCodePage({
    title: context.title,
    action: `/interaction/${interaction.uid}/mfa`,
    abortUrl: `/interaction/${interaction.uid}/abort`,
    username,
    demoCode: context.totp.codeFor(username),
    error,
  });
  sendHtml(res, status, html);
}

/**
 * Grants exactly what the consent prompt reports missing (requested scopes and claims), for
 * first-party clients only. Any other client has no business here: refuse rather than grant.
 */
async function grantConsent(
  context: InteractionContext,
  interaction: Interaction,
  req: IncomingMessage,
  res: ServerResponse,
): Promise<void> {
  const { provider } = context;
  const clientId = interaction.params.client_id;
  const accountId = interaction.session?.accountId;
  if (typeof clientId !== "string" || !context.firstPartyClientIds.has(clientId) || !accountId) {
    throw new BadRequest(400, "This application cannot be authorized here.");
  }

  const grant =
    (interaction.grantId ? await provider.Grant.find(interaction.grantId) : undefined) ??
    new provider.Grant({ accountId, clientId });
  const { missingOIDCScope, missingOIDCClaims, missingResourceScopes } = interaction.prompt.details;
  if (missingOIDCScope) grant.addOIDCScope(missingOIDCScope.join(" "));
  if (missingOIDCClaims) grant.addOIDCClaims(missingOIDCClaims);
  for (const [indicator, scopes] of Object.entries(missingResourceScopes ?? {})) {
    grant.addResourceScope(indicator, scopes.join(" "));
  }
  const grantId = await grant.save();

  await provider.interactionFinished(
    req,
    res,
    { consent: { grantId } },
    { mergeWithLastSubmission: true },
  );
}

async function abortInteraction(
  context: InteractionContext,
  uid: string | undefined,
  req: IncomingMessage,
  res: ServerResponse,
): Promise<void> {
  const interaction = await loadInteraction(context, uid, req, res);
  context.pendingCodes.delete(interaction.uid);
  await context.provider.interactionFinished(
    req,
    res,
    { error: "access_denied", error_description: "End-User aborted interaction" },
    { mergeWithLastSubmission: false },
  );
}

function sendLoginPage(
  context: InteractionContext,
  interaction: Interaction,
  res: ServerResponse,
  status: number,
  username?: string,
  error?: string,
): void {
  const clientId = interaction.params.client_id;
  const html = renderLoginPage({
    title: context.title,
    action: `/interaction/${interaction.uid}/login`,
    abortUrl: `/interaction/${interaction.uid}/abort`,
    clientId: typeof clientId === "string" ? clientId : "",
    usernames: context.users.usernames,
    username,
    error,
  });
  sendHtml(res, status, html);
}

async function readForm(req: IncomingMessage): Promise<URLSearchParams> {
  const type = req.headers["content-type"]?.split(";")[0]?.trim().toLowerCase();
  if (type !== "application/x-www-form-urlencoded") {
    throw new BadRequest(415, "The form must be posted as application/x-www-form-urlencoded.");
  }
  const declared = Number(req.headers["content-length"] ?? 0);
  if (!Number.isFinite(declared) || declared > MAX_FORM_BYTES) {
    throw new BadRequest(413, "The form is too large.");
  }
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of req as AsyncIterable<Buffer>) {
    size += chunk.length;
    if (size > MAX_FORM_BYTES) throw new BadRequest(413, "The form is too large.");
    chunks.push(chunk);
  }
  return new URLSearchParams(Buffer.concat(chunks).toString("utf8"));
}

function respondWithError(
  context: InteractionContext,
  req: IncomingMessage,
  res: ServerResponse,
  err: unknown,
): void {
  let status = 500;
  let message = "Something went wrong. Go back to the application and start again.";
  if (err instanceof BadRequest) {
    ({ status, userMessage: message } = err);
  } else if (err instanceof errors.SessionNotFound) {
    status = 400;
    message =
      "Your sign-in request has expired or was not started here. Go back to the application and start again.";
  }
  const path = (req.url ?? "").split("?", 1)[0];
  context.log(`interaction ${req.method ?? "?"} ${path}: ${status} ${describeError(err)}`);

  if (res.headersSent) {
    res.destroy();
    return;
  }
  // Drain nothing further from a rejected upload: close the connection after answering.
  if (status === 413) res.setHeader("Connection", "close");
  sendHtml(
    res,
    status,
    renderPage(
      `Error - ${context.title}`,
      `<h1>Sign-in failed</h1>
<p class="sub">${escapeHtml(context.title)}</p>
<p class="error" role="alert">${escapeHtml(message)}</p>`,
    ),
  );
}

/** The login step: username and password, then the code step when the client asked for MFA. */
import type { IncomingMessage, ServerResponse } from "node:http";

import type { Interaction } from "oidc-provider";
import { z } from "zod";

import {
  PENDING_CODE_TTL_MS,
  rememberPendingCode,
  requestedMfaAcr,
  sendCodePage,
} from "./code-step";
import { sendHtml } from "./html";
import { loadInteraction, type InteractionContext } from "./interaction-context";
import { BadRequest } from "./interaction-errors";
import { renderLoginPage } from "./login-page";
import { readForm } from "./read-form";

const INVALID_CREDENTIALS = "Invalid username or password";

const LoginForm = z.object({
  username: z.string().trim().min(1).max(256),
  password: z.string().min(1).max(1024),
});

export async function submitLogin(
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

export function sendLoginPage(
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

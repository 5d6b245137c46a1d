/** The code step of an MFA sign-in: the password was right, the client asked for an MFA acr. */
import type { IncomingMessage, ServerResponse } from "node:http";

import type { Interaction } from "oidc-provider";
import { z } from "zod";

import { sendHtml } from "./html";
import { loadInteraction, type InteractionContext, type PendingCode } from "./interaction-context";
import { BadRequest } from "./interaction-errors";
import { MFA_ACR_VALUES, recordWrongCode, renderCodePage } from "./mfa";
import { readForm } from "./read-form";

// Bounds memory however many sign-ins are abandoned at the code step.
const MAX_PENDING_CODES = 10_000;
export const PENDING_CODE_TTL_MS = 10 * 60 * 1000;

const CodeForm = z.object({ code: z.string().trim().max(32) });

/** The first MFA acr the client asked for (acr_values, space-separated), if any. */
export function requestedMfaAcr(interaction: Interaction): string | undefined {
  const requested = interaction.params.acr_values;
  if (typeof requested !== "string") return undefined;
  return requested
    .split(" ")
    .find((value) => (MFA_ACR_VALUES as readonly string[]).includes(value));
}

export function rememberPendingCode(
  context: InteractionContext,
  uid: string,
  entry: PendingCode,
): void {
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
export async function submitCode(
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

export function sendCodePage(
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

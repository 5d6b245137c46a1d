import type { IncomingMessage, ServerResponse } from "node:http";

import { submitCode } from "./code-step";
import { grantConsent } from "./consent-step";
import { loadInteraction, type InteractionContext } from "./interaction-context";
import { BadRequest, respondWithError } from "./interaction-errors";
import { sendLoginPage, submitLogin } from "./login-step";

// oidc-provider's interaction uids are nanoids; anything else is not a route of ours.
const ROUTE = /^\/interaction\/([A-Za-z0-9_-]{1,64})(?:\/(login|mfa|abort))?$/;

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

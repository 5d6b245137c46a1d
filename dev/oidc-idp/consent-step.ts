import type { IncomingMessage, ServerResponse } from "node:http";

import type { Interaction } from "oidc-provider";

import type { InteractionContext } from "./interaction-context";
import { BadRequest } from "./interaction-errors";

/**
 * Grants exactly what the consent prompt reports missing (requested scopes and claims), for
 * first-party clients only. Any other client has no business here: refuse rather than grant.
 */
export async function grantConsent(
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

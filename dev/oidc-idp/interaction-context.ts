/** What every interaction step shares: the provider, the users, and the sign-ins waiting for a code. */
import type { IncomingMessage, ServerResponse } from "node:http";

import { errors, type Interaction, type Provider } from "oidc-provider";

import type { UserDirectory } from "./accounts";
import type { Log } from "./log";
import type { DemoTotp } from "./mfa";

/** A sign-in whose password was right and that now waits for its code (per interaction uid). */
export interface PendingCode {
  subject: string;
  username: string;
  acr: string;
  attempts: number;
  expiresAt: number;
}

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

export async function loadInteraction(
  { provider }: InteractionContext,
  uid: string | undefined,
  req: IncomingMessage,
  res: ServerResponse,
): Promise<Interaction> {
  const interaction = await provider.interactionDetails(req, res);
  if (interaction.uid !== uid) throw new errors.SessionNotFound("interaction uid mismatch");
  return interaction;
}

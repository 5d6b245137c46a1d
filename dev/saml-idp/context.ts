import type { IncomingMessage } from "node:http";

import type { UserDirectory } from "../oidc-idp/accounts";
import type { DemoTotp } from "../oidc-idp/mfa";
import { readCookies } from "./http";
import type { Log } from "./log";
import type { ResponseSigner, ResponseTarget } from "./response";
import type { IdpSession, InteractionStore, SessionStore } from "./sessions";

export interface RegisteredApp extends ResponseTarget {
  name: string;
  allowIdpInitiated: boolean;
  /** The app's SingleLogoutService: where a LogoutResponse goes; none, no single logout. */
  sloUrl?: string;
}

/** Everything a request handler may use: fixed at start, except the two stores. */
export interface IdpContext {
  ssoUrl: string;
  /** This IdP's SingleLogoutService, or null when started without single logout. */
  sloUrl: string | null;
  title: string;
  metadataXml: string;
  users: UserDirectory;
  apps: ReadonlyMap<string, RegisteredApp>;
  appsBySpEntityId: ReadonlyMap<string, RegisteredApp>;
  signer: ResponseSigner;
  sessions: SessionStore;
  interactions: InteractionStore;
  cookieNames: { session: string; interaction: string };
  log: Log;
  /** The demo second factor, asked for when an application requests an MFA context. */
  totp: DemoTotp;
}

export const START_AGAIN = "Go back to the application and start again.";

export function findSession(ctx: IdpContext, req: IncomingMessage): IdpSession | undefined {
  return ctx.sessions.find(readCookies(req).get(ctx.cookieNames.session));
}

export function appById(ctx: IdpContext, appId: string): RegisteredApp {
  const app = ctx.apps.get(appId);
  // Apps are fixed at start and interactions only name registered ones.
  if (!app) throw new Error(`interaction names unregistered app ${appId}`);
  return app;
}

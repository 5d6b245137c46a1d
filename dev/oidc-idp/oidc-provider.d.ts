/**
 * The part of oidc-provider 9's API that the demo IdP uses. The package ships no TypeScript types
 * (and @types/oidc-provider describes older majors), so this file declares only what
 * dev/oidc-idp/ calls; anything else stays out of reach on purpose.
 */
declare module "oidc-provider" {
  import type { EventEmitter } from "node:events";
  import type { IncomingMessage, ServerResponse } from "node:http";

  export interface ProviderClient {
    clientId: string;
    clientName?: string;
  }

  /** The Koa context oidc-provider hands to its configuration hooks. */
  export interface ProviderContext {
    type: string;
    body: unknown;
    status: number;
    host: string;
    method: string;
    path: string;
    set(field: string, value: string): void;
    oidc?: {
      client?: ProviderClient;
      route?: string;
      /** The browser's session at the OP (end_session: whose sign-in would end). */
      session?: { accountId?: string };
      /** end_session: the id_token_hint oidc-provider decoded and validated (signature, aud, iss). */
      entities?: { IdTokenHint?: { payload: { sub?: unknown } } };
    };
  }

  export interface AccountClaims {
    sub: string;
    [claim: string]: unknown;
  }

  export interface Account {
    accountId: string;
    claims(use: string, scope: string): AccountClaims | Promise<AccountClaims>;
  }

  export interface ErrorOut {
    error: string;
    error_description?: string;
    state?: string;
    scope?: string;
    iss?: string;
  }

  export interface ClientMetadata {
    client_id: string;
    client_secret: string;
    redirect_uris: string[];
    post_logout_redirect_uris?: string[];
    grant_types: string[];
    response_types: string[];
    token_endpoint_auth_method: string;
    application_type?: "web" | "native";
  }

  export interface JsonWebKeySet {
    keys: Record<string, unknown>[];
  }

  export interface Configuration {
    clients: ClientMetadata[];
    jwks: JsonWebKeySet;
    cookies: {
      names: { session: string; interaction: string; resume: string };
      keys: string[];
      long?: { httpOnly?: boolean; sameSite?: "lax" | "strict" | "none" };
      short?: { httpOnly?: boolean; sameSite?: "lax" | "strict" | "none" };
    };
    claims: Record<string, string[] | null>;
    scopes: string[];
    responseTypes: string[];
    acrValues: string[];
    clientAuthMethods: string[];
    conformIdTokenClaims: boolean;
    pkce: { required: () => boolean };
    ttl: Record<string, number>;
    findAccount(ctx: ProviderContext, sub: string): Promise<Account | undefined>;
    interactions: { url(ctx: ProviderContext, interaction: Interaction): string | Promise<string> };
    renderError(ctx: ProviderContext, out: ErrorOut, error: Error): void | Promise<void>;
    features: {
      devInteractions: { enabled: boolean };
      dPoP: { enabled: boolean };
      pushedAuthorizationRequests: { enabled: boolean };
      resourceIndicators: { enabled: boolean };
      userinfo: { enabled: boolean };
      rpInitiatedLogout: {
        enabled: boolean;
        logoutSource(ctx: ProviderContext, form: string): void | Promise<void>;
        postLogoutSuccessSource(ctx: ProviderContext): void | Promise<void>;
      };
    };
  }

  export interface PromptDetails {
    missingOIDCScope?: string[];
    missingOIDCClaims?: string[];
    missingResourceScopes?: Record<string, string[]>;
  }

  export interface Interaction {
    uid: string;
    prompt: { name: string; reasons: string[]; details: PromptDetails };
    params: Record<string, unknown>;
    session?: { accountId?: string; uid?: string };
    grantId?: string;
  }

  export interface InteractionResult {
    login?: { accountId: string; amr?: string[]; acr?: string; remember?: boolean };
    consent?: { grantId: string };
    error?: string;
    error_description?: string;
  }

  export class Grant {
    constructor(init: { accountId: string; clientId: string });
    static find(id: string): Promise<Grant | undefined>;
    addOIDCScope(scope: string): void;
    addOIDCClaims(claims: string[]): void;
    addResourceScope(resource: string, scope: string): void;
    save(): Promise<string>;
  }

  /** An OAuth error oidc-provider throws; `error` is the OAuth error code. */
  export class OIDCProviderError extends Error {
    error: string;
    error_description?: string;
    status: number;
    expose: boolean;
  }

  export const errors: {
    OIDCProviderError: typeof OIDCProviderError;
    SessionNotFound: typeof OIDCProviderError;
  };

  export class Provider extends EventEmitter {
    constructor(issuer: string, configuration: Partial<Configuration>);
    readonly issuer: string;
    proxy: boolean;
    readonly Grant: typeof Grant;
    callback(): (req: IncomingMessage, res: ServerResponse) => Promise<void>;
    interactionDetails(req: IncomingMessage, res: ServerResponse): Promise<Interaction>;
    interactionFinished(
      req: IncomingMessage,
      res: ServerResponse,
      result: InteractionResult,
      options?: { mergeWithLastSubmission?: boolean },
    ): Promise<void>;
  }

  export default Provider;
}

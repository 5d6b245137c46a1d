import { createHash, randomBytes } from "node:crypto";

import Provider, { type ErrorOut, type JsonWebKeySet, type ProviderContext } from "oidc-provider";

import { claimsFor, type UserDirectory } from "./accounts";
import { escapeHtml, PAGE_HEADERS, renderPage } from "./html";
import { MFA_ACR_VALUES } from "./mfa";
import { describeError, type Log } from "./log";

export interface ProviderOptions {
  issuer: string;
  users: UserDirectory;
  clients: readonly {
    clientId: string;
    clientSecret: string;
    redirectUris: readonly string[];
    postLogoutRedirectUris?: readonly string[];
  }[];
  groupsClaim: string;
  title: string;
  jwks: JsonWebKeySet;
  log: Log;
  /** RP-initiated logout (end_session_endpoint in discovery); default true. */
  rpInitiatedLogout?: boolean;
}

/** Short lifetimes: this IdP exists for demos and tests, and the portal re-authenticates often. */
const TTL_SECONDS = {
  AuthorizationCode: 60,
  AccessToken: 10 * 60,
  IdToken: 10 * 60,
  Interaction: 10 * 60,
  Session: 60 * 60,
  Grant: 60 * 60,
} as const;

// Events oidc-provider emits for errors it already answered with an OAuth error response.
const ANSWERED_ERROR_EVENTS = [
  "authorization.error",
  "grant.error",
  "userinfo.error",
  "end_session.error",
  "end_session_confirm.error",
  "end_session_success.error",
  "discovery.error",
  "jwks.error",
] as const;

/**
 * Builds the oidc-provider instance: authorization code flow with PKCE S256 only, confidential
 * clients authenticating with client_secret_basic or client_secret_post, the demo users' claims in
 * both id_token and userinfo, this IdP's own pages for errors and logout. Interactions (login,
 * consent) are served by interactions.ts at /interaction/:uid, not by devInteractions.
 */
export function createProvider(options: ProviderOptions): Provider {
  const { users, groupsClaim, title, log } = options;
  const prefix = `idp${new URL(options.issuer).port}`;

  const provider = new Provider(options.issuer, {
    clients: options.clients.map((client) => ({
      client_id: client.clientId,
      client_secret: client.clientSecret,
      redirect_uris: [...client.redirectUris],
      post_logout_redirect_uris: [...(client.postLogoutRedirectUris ?? [])],
      grant_types: ["authorization_code"],
      response_types: ["code"],
      // oidc-provider accepts client_secret_post from a client registered for client_secret_basic
      // and vice versa; both are listed in clientAuthMethods below.
      token_endpoint_auth_method: "client_secret_basic",
      application_type: "web",
    })),
    jwks: options.jwks,
    cookies: {
      // Browsers scope cookies by host, not port: the portal (localhost:3000) and this IdP
      // (localhost:3100), or two IdPs, share one jar. Port-specific names keep them apart.
      names: {
        session: `${prefix}_session`,
        interaction: `${prefix}_interaction`,
        resume: `${prefix}_resume`,
      },
      // Signing keys for this run only: a restart signs everyone out, which is what a demo wants.
      keys: [randomBytes(32).toString("base64url")],
      long: { httpOnly: true, sameSite: "lax" },
      short: { httpOnly: true, sameSite: "lax" },
    },
    scopes: ["openid"],
    claims: {
      // amr rides on the openid scope, so every id_token says how the user authenticated; acr is
      // issued when asked for (acr_values) and the login set one (after the code step).
      acr: null,
      openid: ["sub", "amr"],
      email: ["email", "email_verified"],
      profile: ["name", "preferred_username"],
      groups: [groupsClaim],
    },
    // Issued (as the acr claim, with amr ["pwd","mfa"]) only after the code step; a password-only
    // sign-in has amr ["pwd"] and no acr.
    acrValues: [...MFA_ACR_VALUES],
    responseTypes: ["code"],
    clientAuthMethods: ["client_secret_basic", "client_secret_post"],
    conformIdTokenClaims: false,
    pkce: { required: () => true },
    ttl: { ...TTL_SECONDS },
    features: {
      devInteractions: { enabled: false },
      dPoP: { enabled: false },
      pushedAuthorizationRequests: { enabled: false },
      resourceIndicators: { enabled: false },
      userinfo: { enabled: true },
      rpInitiatedLogout: {
        enabled: options.rpInitiatedLogout ?? true,
        logoutSource: (ctx, form) => renderLogoutConfirmation(ctx, form, title),
        postLogoutSuccessSource: (ctx) => renderSignedOut(ctx, title),
      },
    },
    interactions: { url: (_ctx, interaction) => `/interaction/${interaction.uid}` },
    findAccount: (_ctx, subject) => {
      const user = users.findBySubject(subject);
      if (!user) return Promise.resolve(undefined);
      return Promise.resolve({
        accountId: user.subject,
        claims: () => claimsFor(user, groupsClaim),
      });
    },
    renderError: (ctx, out) => renderErrorPage(ctx, out, title),
  });

  for (const event of ANSWERED_ERROR_EVENTS) {
    provider.on(event, (ctx: ProviderContext, err: unknown) => {
      log(`${event} ${ctx.method} ${ctx.path}: ${describeError(err)}`);
    });
  }
  provider.on("server_error", (ctx: ProviderContext, err: unknown) => {
    log(`server_error ${ctx.method} ${ctx.path}: ${describeError(err)}`);
  });
  // Koa's fallback: errors that escaped oidc-provider's handlers (Koa already answered 4xx/500).
  // Registering a listener also replaces Koa's default, which prints whole stacks.
  provider.on("error", (err: unknown, ctx?: ProviderContext) => {
    log(`unhandled ${ctx?.method ?? "?"} ${ctx?.path ?? "?"}: ${describeError(err)}`);
  });

  return provider;
}

function setPageHeaders(ctx: ProviderContext): void {
  for (const [name, value] of Object.entries(PAGE_HEADERS)) {
    if (name !== "Content-Type") ctx.set(name, value);
  }
  ctx.type = "html";
}

function renderErrorPage(ctx: ProviderContext, out: ErrorOut, title: string): void {
  setPageHeaders(ctx);
  const description = out.error_description ? `<p>${escapeHtml(out.error_description)}</p>` : "";
  ctx.body = renderPage(
    `Error - ${title}`,
    `<h1>Sign-in failed</h1>
<p class="sub">${escapeHtml(title)}</p>
<p class="error" role="alert"><code>${escapeHtml(out.error)}</code></p>
${description}
<p class="note">Go back to the application and start again.</p>`,
  );
}

const CONFIRM_SCRIPT = `document.getElementById("op.logoutForm").requestSubmit(document.getElementById("logout-yes"));`;
const CONFIRM_SCRIPT_HASH = createHash("sha256").update(CONFIRM_SCRIPT).digest("base64");

/**
 * Whether the RP proved which sign-in it is ending: an id_token_hint (oidc-provider already
 * checked its signature, issuer and audience) for the user signed in here. RP-Initiated Logout
 * 1.0 §2 requires asking the user otherwise; with it, this IdP signs out without asking.
 */
function hintMatchesSession(ctx: ProviderContext): boolean {
  const sub = ctx.oidc?.entities?.IdTokenHint?.payload.sub;
  const accountId = ctx.oidc?.session?.accountId;
  return typeof sub === "string" && accountId !== undefined && sub === accountId;
}

/**
 * `form` is oidc-provider's own markup (an action URL and an xsrf token), safe to embed as is.
 * With a matching id_token_hint the page confirms itself (one inline script, allowed by its
 * hash); the buttons remain for a browser without script.
 */
function renderLogoutConfirmation(ctx: ProviderContext, form: string, title: string): void {
  setPageHeaders(ctx);
  const client = ctx.oidc?.client;
  const from = client ? ` from ${escapeHtml(client.clientName ?? client.clientId)}` : "";
  const confirmed = hintMatchesSession(ctx);
  if (confirmed) {
    ctx.set(
      "Content-Security-Policy",
      `default-src 'none'; style-src 'unsafe-inline'; script-src 'sha256-${CONFIRM_SCRIPT_HASH}'; frame-ancestors 'none'; base-uri 'none'`,
    );
  }
  ctx.body = renderPage(
    `Sign out - ${title}`,
    `<h1>${confirmed ? "Signing you out…" : "Sign out?"}</h1>
<p class="sub">${escapeHtml(title)}: you asked to sign out${from}.</p>
${form}
<button type="submit" id="logout-yes" form="op.logoutForm" name="logout" value="yes" autofocus>Sign out</button>
<button type="submit" form="op.logoutForm" class="secondary">Stay signed in</button>${
      confirmed ? `\n<script>${CONFIRM_SCRIPT}</script>` : ""
    }`,
  );
}

function renderSignedOut(ctx: ProviderContext, title: string): void {
  setPageHeaders(ctx);
  ctx.body = renderPage(
    `Signed out - ${title}`,
    `<h1>Signed out</h1>
<p class="sub">${escapeHtml(title)}</p>
<p>You have been signed out. You can close this window.</p>`,
  );
}

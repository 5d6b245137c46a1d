import { createServer, type IncomingMessage, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";

import type { JsonWebKeySet } from "oidc-provider";

import type { DemoUser } from "../demo-users";
import { STANDARD_CLAIMS, UserDirectory } from "./accounts";
import type { InteractionContext } from "./interaction-context";
import { handleInteraction, isInteractionPath } from "./interactions";
import { getProcessSigningKeys } from "./keys";
import { describeError, writeToStderr, type Log } from "./log";
import { DemoTotp } from "./mfa";
import { createProvider } from "./provider";

export interface OidcClientRegistration {
  clientId: string;
  clientSecret: string;
  redirectUris: string[];
  postLogoutRedirectUris?: string[];
}

export interface OidcIdp {
  /** `http://<issuerHost>:<port>`, no trailing slash. */
  issuer: string;
  /** Stops listening and drops open connections. Safe to call more than once. */
  close(): Promise<void>;
}

export interface StartOidcIdpOptions {
  /** 0 (the default) picks a free port. */
  port?: number;
  /** Interface to listen on; default 127.0.0.1. */
  host?: string;
  /** Host name in the issuer URL; default "localhost". */
  issuerHost?: string;
  users: DemoUser[];
  clients: OidcClientRegistration[];
  /** Name of the claim carrying the user's groups; default "groups". */
  groupsClaim?: string;
  /** Shown on the IdP's pages; default "Corp Identity (demo)". */
  title?: string;
  /** Signing keys (private JWKs); default: one RSA key generated per process. */
  jwks?: JsonWebKeySet;
  /** Receives one line per error or rejected login; default: stderr. Never given secrets. */
  log?: Log;
  /** The demo second factor (a per-process secret by default). */
  totp?: DemoTotp;
  /**
   * RP-initiated logout: discovery names an end_session_endpoint; with a valid id_token_hint for
   * the signed-in user it signs out without asking. Default true; false: an IdP without it.
   */
  rpInitiatedLogout?: boolean;
}

// Registered claims a groups claim must not overwrite.
const RESERVED_CLAIMS = new Set<string>([
  ...STANDARD_CLAIMS,
  "iss",
  "aud",
  "exp",
  "iat",
  "nbf",
  "jti",
  "azp",
  "nonce",
  "auth_time",
  "acr",
  "amr",
  "sid",
  "at_hash",
  "c_hash",
]);

/**
 * Starts a local OpenID Provider for demos and tests (never production): authorization code flow
 * with PKCE S256, the given users signing in with their passwords on this IdP's own login page,
 * and the given confidential clients. Resolves once the server is listening.
 *
 * @throws TypeError on invalid options (no users, bad URLs, reserved groups claim, …).
 */
export async function startOidcIdp(options: StartOidcIdpOptions): Promise<OidcIdp> {
  const {
    port = 0,
    host = "127.0.0.1",
    issuerHost = "localhost",
    groupsClaim = "groups",
    title = "Corp Identity (demo)",
    log = writeToStderr,
  } = options;
  validateOptions({ ...options, port, issuerHost, groupsClaim, title });
  const users = new UserDirectory(options.users);
  const jwks = options.jwks ?? getProcessSigningKeys();

  let route: ((req: IncomingMessage, res: ServerResponse) => void) | undefined;
  const server = createServer((req, res) => {
    if (route) return route(req, res);
    res
      .writeHead(503, { "Content-Type": "text/plain; charset=utf-8", "Retry-After": "1" })
      .end("starting\n");
  });

  await new Promise<void>((resolve, reject) => {
    server.once("error", reject);
    server.listen(port, host, () => {
      server.off("error", reject);
      resolve();
    });
  });
  server.on("error", (err) => log(`server error: ${err.message}`));

  const close = closeOnce(server);
  try {
    const { port: boundPort } = server.address() as AddressInfo;
    const issuer = `http://${issuerHost}:${boundPort}`;
    const provider = createProvider({
      issuer,
      users,
      clients: options.clients,
      groupsClaim,
      title,
      jwks,
      log,
      rpInitiatedLogout: options.rpInitiatedLogout ?? true,
    });
    const interactionContext: InteractionContext = {
      provider,
      users,
      firstPartyClientIds: new Set(options.clients.map((client) => client.clientId)),
      title,
      log,
      totp: options.totp ?? new DemoTotp(),
      pendingCodes: new Map(),
    };
    const handleProtocol = provider.callback();

    route = (req, res) => {
      const pathname = (req.url ?? "/").split("?", 1)[0] ?? "/";
      const handled = isInteractionPath(pathname)
        ? handleInteraction(interactionContext, req, res)
        : handleProtocol(req, res);
      // Both handlers answer their own errors; this only keeps a bug from becoming an unhandled rejection.
      handled.catch((err: unknown) => {
        log(`request failed ${req.method ?? "?"} ${pathname}: ${describeError(err)}`);
        if (!res.headersSent) res.writeHead(500, { "Content-Type": "text/plain; charset=utf-8" });
        res.end();
      });
    };

    return { issuer, close };
  } catch (err) {
    await close();
    throw err;
  }
}

function validateOptions(
  options: StartOidcIdpOptions & {
    port: number;
    issuerHost: string;
    groupsClaim: string;
    title: string;
  },
): void {
  const { port, issuerHost, groupsClaim, title, clients } = options;
  if (!Number.isInteger(port) || port < 0 || port > 65535) {
    throw new TypeError(`startOidcIdp: port must be an integer from 0 to 65535, got ${port}`);
  }
  if (!/^[A-Za-z0-9.-]+$/.test(issuerHost)) {
    throw new TypeError(
      `startOidcIdp: issuerHost must be a bare host name, got ${JSON.stringify(issuerHost)}`,
    );
  }
  if (!groupsClaim || RESERVED_CLAIMS.has(groupsClaim)) {
    throw new TypeError(
      `startOidcIdp: groupsClaim ${JSON.stringify(groupsClaim)} is empty or a reserved claim`,
    );
  }
  if (!title.trim()) throw new TypeError("startOidcIdp: title must not be empty");
  if (clients.length === 0) throw new TypeError("startOidcIdp: clients must not be empty");

  const seen = new Set<string>();
  for (const client of clients) {
    if (!client.clientId || seen.has(client.clientId)) {
      throw new TypeError(
        `startOidcIdp: client ids must be unique and non-empty, got ${JSON.stringify(client.clientId)}`,
      );
    }
    seen.add(client.clientId);
    if (!client.clientSecret)
      throw new TypeError(`startOidcIdp: client ${client.clientId} needs a clientSecret`);
    if (client.redirectUris.length === 0) {
      throw new TypeError(
        `startOidcIdp: client ${client.clientId} needs at least one redirect URI`,
      );
    }
    for (const uri of [...client.redirectUris, ...(client.postLogoutRedirectUris ?? [])]) {
      const parsed = URL.parse(uri);
      if (!parsed || (parsed.protocol !== "http:" && parsed.protocol !== "https:") || parsed.hash) {
        throw new TypeError(
          `startOidcIdp: client ${client.clientId} has an invalid redirect URI ${JSON.stringify(uri)}`,
        );
      }
    }
  }
}

function closeOnce(server: ReturnType<typeof createServer>): () => Promise<void> {
  let closing: Promise<void> | undefined;
  return () => {
    closing ??= new Promise<void>((resolve) => {
      server.close(() => resolve());
      // Keep-alive sockets (fetch keeps them) would otherwise hold close() open for seconds.
      server.closeAllConnections();
    });
    return closing;
  };
}

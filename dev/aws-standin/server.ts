/**
 * The AWS stand-in: an HTTP server speaking STS's Query protocol at `/` and the console federation
 * endpoint at `/federation`, for the demo and the tests. Never used in production.
 *
 * Routes:
 * - `POST /` (and `GET /?Action=…`): STS AssumeRole, AssumeRoleWithSAML (signed or unsigned),
 *   GetCallerIdentity, GetSessionToken.
 * - `GET /federation?Action=getSigninToken|login`: console sign-in.
 * - `POST /__standin/saml-providers` with JSON `{ "arn", "metadataXml" }`: registers (or updates)
 *   an IAM SAML provider, for processes that started the stand-in elsewhere; `GET` lists them.
 * - `GET /__standin/calls`, `GET /__standin/federation-calls`, `POST /__standin/reset-calls`,
 *   `GET /__standin/health`: introspection for tests (identifiers only, never secrets).
 */
import { createServer, type IncomingMessage, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import { DEFAULT_CONSOLE_HOSTS } from "./console-hosts";
import { handleFederationRequest } from "./federation";
import { BodyTooLargeError, readBody, sendResponse, splitRequestTarget } from "./http-io";
import { newRequestId } from "./ids";
import { StandinState } from "./state";
import { handleStsRequest } from "./sts-handler";
import { indexWorld, type ResolvedSamlProvider, type StandinWorld, type WorldIndex } from "./world";

export { withSamlProvider, withSamlTrust, worldFromDemo } from "./world";
export type {
  RoleSelector,
  StandinPrincipal,
  StandinRole,
  StandinSamlProvider,
  StandinWorld,
} from "./world";
export type { FederationCallRecord, StsCallRecord } from "./state";
export { DEFAULT_CONSOLE_HOSTS } from "./console-hosts";

export interface AwsStandin {
  /** `http://HOST:PORT` */
  url: string;
  /** `http://HOST:PORT/`: the STS endpoint to give the SDK. */
  stsEndpoint: string;
  /** `http://HOST:PORT/federation` */
  federationEndpoint: string;
  /**
   * Registers an IAM SAML provider (or replaces the metadata of the one with this ARN) while
   * running. Roles trust it through `trustedSamlProviderArns` (see withSamlTrust).
   *
   * @returns the entityID and signing certificate count read from the metadata.
   * @throws TypeError when the ARN is not `arn:aws:iam::<account>:saml-provider/<Name>` or the
   *   metadata is not an IdP EntityDescriptor with a signing certificate.
   */
  registerSamlProvider(arn: string, metadataXml: string): SamlProviderSummary;
  close(): Promise<void>;
}

/** What the stand-in kept from a SAML provider's metadata. */
export interface SamlProviderSummary {
  arn: string;
  entityId: string;
  certificateCount: number;
}

/** Bound on a `POST /__standin/saml-providers` body. */
const MAX_REGISTRATION_BYTES = 1024 * 1024;

export interface AwsStandinOptions {
  world: StandinWorld;
  /** 0 (default) picks a free port. */
  port?: number;
  /** Default 127.0.0.1. */
  host?: string;
  /** The stand-in's clock: credential and sign-in token expiry, signature skew, Date headers. */
  now?: () => Date;
  /** Console hosts a login may land on; replaces DEFAULT_CONSOLE_HOSTS (`*.` = one region label). */
  consoleHosts?: string[];
}

interface Router {
  world: WorldIndex;
  state: StandinState;
  now: () => Date;
  consoleHosts: readonly string[];
}

/**
 * Starts the stand-in and resolves once it listens.
 *
 * @throws TypeError when the world is malformed (see indexWorld); rejects when the port is taken.
 */
export async function startAwsStandin(options: AwsStandinOptions): Promise<AwsStandin> {
  const router: Router = {
    world: indexWorld(options.world),
    state: new StandinState(),
    now: options.now ?? (() => new Date()),
    consoleHosts: options.consoleHosts ?? DEFAULT_CONSOLE_HOSTS,
  };
  const host = options.host ?? "127.0.0.1";
  const server = createServer((req, res) => {
    route(req, res, router).catch((error: unknown) => {
      console.error("[aws-standin] unhandled failure:", error);
      sendPlain(res, 500, "internal failure\n");
    });
  });

  await new Promise<void>((resolve, reject) => {
    server.once("error", reject);
    server.listen(options.port ?? 0, host, () => {
      server.off("error", reject);
      resolve();
    });
  });

  const { port } = server.address() as AddressInfo;
  const url = `http://${host.includes(":") ? `[${host}]` : host}:${port}`;
  return {
    url,
    stsEndpoint: `${url}/`,
    federationEndpoint: `${url}/federation`,
    registerSamlProvider: (arn, metadataXml) =>
      summarize(router.world.registerSamlProvider({ arn, metadataXml })),
    close: () =>
      new Promise<void>((resolve, reject) => {
        server.close((error) => (error ? reject(error) : resolve()));
        // Keep-alive sockets from SDK clients would otherwise hold close() open.
        server.closeAllConnections();
      }),
  };
}

async function route(req: IncomingMessage, res: ServerResponse, router: Router): Promise<void> {
  const { path } = splitRequestTarget(req.url ?? "/");
  switch (path) {
    case "/":
      return handleStsRequest(req, res, router);
    case "/federation":
      return handleFederationRequest(req, res, router);
    case "/__standin/calls":
      return onlyFor(req, res, "GET", () => sendJson(res, 200, router.state.stsCalls));
    case "/__standin/federation-calls":
      return onlyFor(req, res, "GET", () => sendJson(res, 200, router.state.federationCalls));
    case "/__standin/reset-calls":
      return onlyFor(req, res, "POST", () => {
        router.state.resetCalls();
        sendJson(res, 200, { ok: true });
      });
    case "/__standin/health":
      return onlyFor(req, res, "GET", () => sendJson(res, 200, { ok: true }));
    case "/__standin/saml-providers":
      if (req.method === "GET") {
        return sendJson(res, 200, router.world.samlProviders().map(summarize));
      }
      if (req.method === "POST") return registerFromRequest(req, res, router);
      return sendJson(res, 405, { error: "GET or POST only" });
    default:
      return sendPlain(res, 404, "not found\n");
  }
}

function onlyFor(
  req: IncomingMessage,
  res: ServerResponse,
  method: string,
  handle: () => void,
): void {
  if (req.method === method) handle();
  else sendJson(res, 405, { error: `${method} only` });
}

function sendJson(res: ServerResponse, status: number, value: unknown): void {
  send(res, status, "application/json", JSON.stringify(value));
}

function sendPlain(res: ServerResponse, status: number, text: string): void {
  send(res, status, "text/plain; charset=utf-8", text);
}

function send(res: ServerResponse, status: number, contentType: string, body: string): void {
  sendResponse(res, {
    status,
    contentType,
    body,
    requestId: newRequestId(),
    date: new Date(),
    headers: { "Cache-Control": "no-store" },
  });
}

function summarize(provider: ResolvedSamlProvider): SamlProviderSummary {
  return {
    arn: provider.arn,
    entityId: provider.entityId,
    certificateCount: provider.certificates.length,
  };
}

/** `POST /__standin/saml-providers`: JSON `{ arn, metadataXml }` → 200 summary, or 400/413. */
async function registerFromRequest(
  req: IncomingMessage,
  res: ServerResponse,
  router: Router,
): Promise<void> {
  let body: Buffer;
  try {
    body = await readBody(req, MAX_REGISTRATION_BYTES);
  } catch (error) {
    if (error instanceof BodyTooLargeError) {
      res.setHeader("Connection", "close");
      return sendJson(res, 413, { error: `body must not exceed ${MAX_REGISTRATION_BYTES} bytes` });
    }
    return; // The client went away.
  }
  let parsed: unknown;
  try {
    parsed = JSON.parse(body.toString("utf8"));
  } catch {
    return sendJson(res, 400, { error: "body must be JSON {arn, metadataXml}" });
  }
  const { arn, metadataXml } = (parsed ?? {}) as Record<string, unknown>;
  if (typeof arn !== "string" || typeof metadataXml !== "string") {
    return sendJson(res, 400, { error: "body must be JSON {arn, metadataXml} with string values" });
  }
  try {
    sendJson(res, 200, summarize(router.world.registerSamlProvider({ arn, metadataXml })));
  } catch (error) {
    if (!(error instanceof TypeError)) throw error;
    sendJson(res, 400, { error: error.message });
  }
}

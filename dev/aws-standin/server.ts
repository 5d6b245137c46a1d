/**
 * The AWS stand-in: an HTTP server speaking STS's Query protocol at `/` and the console federation
 * endpoint at `/federation`, for the demo and the tests. Never used in production.
 *
 * Routes:
 * - `POST /` (and `GET /?Action=…`): STS AssumeRole, GetCallerIdentity, GetSessionToken.
 * - `GET /federation?Action=getSigninToken|login`: console sign-in.
 * - `GET /__standin/calls`, `GET /__standin/federation-calls`, `POST /__standin/reset-calls`,
 *   `GET /__standin/health`: introspection for tests (identifiers only, never secrets).
 */
import { createServer, type IncomingMessage, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import { DEFAULT_CONSOLE_HOSTS } from "./console-hosts";
import { handleFederationRequest } from "./federation";
import { sendResponse, splitRequestTarget } from "./http-io";
import { newRequestId } from "./ids";
import { StandinState } from "./state";
import { handleStsRequest } from "./sts-handler";
import { indexWorld, type StandinWorld, type WorldIndex } from "./world";

export { worldFromDemo } from "./world";
export type { StandinPrincipal, StandinRole, StandinWorld } from "./world";
export type { FederationCallRecord, StsCallRecord } from "./state";
export { DEFAULT_CONSOLE_HOSTS } from "./console-hosts";

export interface AwsStandin {
  /** `http://HOST:PORT` */
  url: string;
  /** `http://HOST:PORT/`: the STS endpoint to give the SDK. */
  stsEndpoint: string;
  /** `http://HOST:PORT/federation` */
  federationEndpoint: string;
  close(): Promise<void>;
}

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

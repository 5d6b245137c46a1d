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
 * - `GET /__standin/mfa-codes`: the current code of each virtual MFA device (for the demo).
 * - `POST /__standin/faults` with JSON `{ "endpoint", "fault": StsFault | null }` sets or clears an
 *   STS endpoint's fault; `GET` lists every endpoint with its URL and fault.
 *
 * With `stsEndpointNames`, each name gets a listener of its own serving STS at `/` (and
 * `/__standin/health`), sharing the world, state and clock: several "regional" endpoints whose
 * faults are injected independently. The main listener is the endpoint named "default".
 */
import type { IncomingMessage, ServerResponse } from "node:http";
import { DEFAULT_CONSOLE_HOSTS } from "./console-hosts";
import { parseStsFault, type StsFault } from "./faults";
import { handleFederationRequest } from "./federation";
import { BodyTooLargeError, readBody, sendResponse, splitRequestTarget } from "./http-io";
import { newRequestId } from "./ids";
import { currentMfaCodes } from "./mfa-codes";
import { StandinState } from "./state";
import { StsEndpoint, type EndpointStatus } from "./sts-endpoint";
import { handleStsRequest } from "./sts-handler";
import { indexWorld, type ResolvedSamlProvider, type StandinWorld, type WorldIndex } from "./world";

export { withSamlProvider, withSamlTrust, worldFromDemo } from "./world";
export { totpCode } from "./totp";
export type { StsFault } from "./faults";
export type { EndpointStatus } from "./sts-endpoint";
export type {
  RoleSelector,
  StandinMfaDevice,
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
  /** `http://HOST:PORT/`: the STS endpoint to give the SDK (the one named "default"). */
  stsEndpoint: string;
  /** Every STS endpoint by name: "default" (= stsEndpoint) and each of `stsEndpointNames`. */
  stsEndpoints: Record<string, string>;
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
  /**
   * Sets (or with null clears) the fault of one STS endpoint; it applies to the next STS request
   * there. A refusal takes effect at once; clearing it listens again on the same port before any
   * new connection can be attempted.
   *
   * @throws TypeError for an unknown endpoint, an invalid fault (every problem named), or
   *   refuseConnections on "default" (its listener also serves federation and /__standin).
   */
  setFault(endpointName: string, fault: StsFault | null): void;
  /** Clears every endpoint's fault. */
  clearFaults(): void;
  /** Each endpoint with its URL, whether it listens, and its fault (failFirst = requests left). */
  faults(): EndpointStatus[];
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
/** Bound on a `POST /__standin/faults` body. */
const MAX_FAULT_BYTES = 16 * 1024;
const DEFAULT_ENDPOINT = "default";
const ENDPOINT_NAME = /^[a-z0-9](?:[a-z0-9-]{0,62}[a-z0-9])?$/;

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
  /**
   * Extra STS endpoints, e.g. `["us-east-1", "us-west-2"]`: one listener each (free ports), listed
   * in AwsStandin.stsEndpoints. Names are lowercase letters, digits and inner hyphens, unique, and
   * not "default".
   */
  stsEndpointNames?: string[];
  /**
   * Refuse an MFA code that was already accepted for the same device and 30-second step, as AWS
   * does. Off by default so tests may reuse the current code.
   */
  rejectReusedMfaCodes?: boolean;
}

interface Router {
  world: WorldIndex;
  /** The world as given, for listing its virtual MFA devices. */
  rawWorld: StandinWorld;
  state: StandinState;
  now: () => Date;
  consoleHosts: readonly string[];
  rejectReusedMfaCodes: boolean;
  endpoints: Map<string, StsEndpoint>;
  /** Aborted on close, ending injected delays. */
  closing: AbortController;
}

/**
 * Starts the stand-in and resolves once it listens.
 *
 * @throws TypeError when the world is malformed (see indexWorld); rejects when the port is taken.
 */
export async function startAwsStandin(options: AwsStandinOptions): Promise<AwsStandin> {
  const names = checkEndpointNames(options.stsEndpointNames ?? []);
  const router: Router = {
    world: indexWorld(options.world),
    rawWorld: options.world,
    state: new StandinState(),
    now: options.now ?? (() => new Date()),
    consoleHosts: options.consoleHosts ?? DEFAULT_CONSOLE_HOSTS,
    rejectReusedMfaCodes: options.rejectReusedMfaCodes ?? false,
    endpoints: new Map(),
    closing: new AbortController(),
  };
  const host = options.host ?? "127.0.0.1";
  const guarded =
    (handle: (req: IncomingMessage, res: ServerResponse) => Promise<void>) =>
    (req: IncomingMessage, res: ServerResponse) => {
      handle(req, res).catch((error: unknown) => {
        console.error("[aws-standin] unhandled failure:", error);
        sendPlain(res, 500, "internal failure\n");
      });
    };
  for (const name of [DEFAULT_ENDPOINT, ...names]) {
    const handle =
      name === DEFAULT_ENDPOINT
        ? (req: IncomingMessage, res: ServerResponse) => route(req, res, router)
        : (req: IncomingMessage, res: ServerResponse) => routeSts(req, res, router, name);
    router.endpoints.set(name, new StsEndpoint(name, host, guarded(handle)));
  }

  const closeAll = async () => {
    router.closing.abort();
    await Promise.all([...router.endpoints.values()].map((endpoint) => endpoint.close()));
  };
  try {
    for (const endpoint of router.endpoints.values()) {
      await endpoint.listen(endpoint.name === DEFAULT_ENDPOINT ? (options.port ?? 0) : 0);
    }
  } catch (error) {
    await closeAll();
    throw error;
  }

  const main = endpointOf(router, DEFAULT_ENDPOINT);
  const url = main.url.replace(/\/$/, "");
  return {
    url,
    stsEndpoint: main.url,
    stsEndpoints: Object.fromEntries([...router.endpoints].map(([name, e]) => [name, e.url])),
    federationEndpoint: `${url}/federation`,
    registerSamlProvider: (arn, metadataXml) =>
      summarize(router.world.registerSamlProvider({ arn, metadataXml })),
    setFault: (endpointName, fault) => setFault(router, endpointName, fault),
    clearFaults: () => {
      for (const endpoint of router.endpoints.values()) endpoint.setFault(null);
    },
    faults: () => [...router.endpoints.values()].map((endpoint) => endpoint.status()),
    close: closeAll,
  };
}

/** @throws TypeError when a name is malformed, repeated or "default". */
function checkEndpointNames(names: readonly string[]): string[] {
  const seen = new Set<string>();
  for (const name of names) {
    if (!ENDPOINT_NAME.test(name)) {
      throw new TypeError(
        `aws-standin: STS endpoint name ${JSON.stringify(name)} must be 1–64 lowercase letters, digits and inner hyphens`,
      );
    }
    if (name === DEFAULT_ENDPOINT || seen.has(name)) {
      throw new TypeError(`aws-standin: STS endpoint name ${name} is reserved or repeated`);
    }
    seen.add(name);
  }
  return [...names];
}

function endpointOf(router: Router, name: string): StsEndpoint {
  const endpoint = router.endpoints.get(name);
  if (!endpoint) {
    const known = [...router.endpoints.keys()].join(", ");
    throw new TypeError(`unknown STS endpoint ${JSON.stringify(name)} (known: ${known})`);
  }
  return endpoint;
}

/** Validates and applies a fault. @throws TypeError (see AwsStandin.setFault). */
function setFault(router: Router, endpointName: string, fault: unknown): StsEndpoint {
  const endpoint = endpointOf(router, endpointName);
  const parsed = parseStsFault(fault);
  if (parsed?.refuseConnections && endpointName === DEFAULT_ENDPOINT) {
    throw new TypeError(
      `refuseConnections is not available on "${DEFAULT_ENDPOINT}": its listener also serves the federation endpoint and /__standin; use a named endpoint (stsEndpointNames)`,
    );
  }
  endpoint.setFault(parsed);
  return endpoint;
}

/** A named endpoint's listener: STS and a health check only. */
async function routeSts(
  req: IncomingMessage,
  res: ServerResponse,
  router: Router,
  name: string,
): Promise<void> {
  const { path } = splitRequestTarget(req.url ?? "/");
  if (path === "/") return handleStsRequest(req, res, stsDependencies(router, name));
  if (path === "/__standin/health") {
    return onlyFor(req, res, "GET", () => sendJson(res, 200, { ok: true }));
  }
  return sendPlain(res, 404, "not found\n");
}

function stsDependencies(router: Router, name: string) {
  const endpoint = endpointOf(router, name);
  return {
    world: router.world,
    state: router.state,
    now: router.now,
    rejectReusedMfaCodes: router.rejectReusedMfaCodes,
    endpoint: name,
    takeFault: () => endpoint.takeFault(),
    signal: router.closing.signal,
  };
}

async function route(req: IncomingMessage, res: ServerResponse, router: Router): Promise<void> {
  const { path } = splitRequestTarget(req.url ?? "/");
  switch (path) {
    case "/":
      return handleStsRequest(req, res, stsDependencies(router, DEFAULT_ENDPOINT));
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
    case "/__standin/mfa-codes":
      return onlyFor(req, res, "GET", () =>
        sendJson(res, 200, currentMfaCodes(router.rawWorld, router.now())),
      );
    case "/__standin/health":
      return onlyFor(req, res, "GET", () => sendJson(res, 200, { ok: true }));
    case "/__standin/saml-providers":
      if (req.method === "GET") {
        return sendJson(res, 200, router.world.samlProviders().map(summarize));
      }
      if (req.method === "POST") return registerFromRequest(req, res, router);
      return sendJson(res, 405, { error: "GET or POST only" });
    case "/__standin/faults":
      if (req.method === "GET") {
        return sendJson(
          res,
          200,
          [...router.endpoints.values()].map((e) => e.status()),
        );
      }
      if (req.method === "POST") return setFaultFromRequest(req, res, router);
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

/**
 * `POST /__standin/faults`: JSON `{ endpoint, fault }` → 200 with the endpoint's status once the
 * fault is in force (a cleared refusal listens again first), 400 naming what is wrong, or 500
 * when the endpoint could not listen again.
 */
async function setFaultFromRequest(
  req: IncomingMessage,
  res: ServerResponse,
  router: Router,
): Promise<void> {
  let body: Buffer;
  try {
    body = await readBody(req, MAX_FAULT_BYTES);
  } catch (error) {
    if (error instanceof BodyTooLargeError) {
      res.setHeader("Connection", "close");
      return sendJson(res, 413, { error: `body must not exceed ${MAX_FAULT_BYTES} bytes` });
    }
    return; // The client went away.
  }
  let parsed: unknown;
  try {
    parsed = JSON.parse(body.toString("utf8"));
  } catch {
    return sendJson(res, 400, { error: "body must be JSON {endpoint, fault}" });
  }
  if (typeof parsed !== "object" || parsed === null || Array.isArray(parsed)) {
    return sendJson(res, 400, { error: "body must be a JSON object {endpoint, fault}" });
  }
  const request = parsed as Record<string, unknown>;
  const extra = Object.keys(request).filter((key) => key !== "endpoint" && key !== "fault");
  const problems: string[] = [];
  if (typeof request.endpoint !== "string") problems.push("endpoint: must be a string");
  if (!Object.hasOwn(request, "fault")) problems.push("fault: is required (null clears)");
  if (extra.length > 0) problems.push(`unknown field(s): ${extra.join(", ")}`);
  if (problems.length > 0) return sendJson(res, 400, { error: problems.join("; ") });

  let endpoint: StsEndpoint;
  try {
    endpoint = setFault(router, request.endpoint as string, request.fault);
  } catch (error) {
    if (!(error instanceof TypeError)) throw error;
    return sendJson(res, 400, { error: error.message });
  }
  await endpoint.settled();
  const status = endpoint.status();
  sendJson(res, status.error === undefined ? 200 : 500, status);
}

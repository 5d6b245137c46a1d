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
import {
  onlyFor,
  routeStandinAdmin,
  sendJson,
  sendPlain,
  summarize,
  type SamlProviderSummary,
} from "./admin-routes";
import { DEFAULT_CONSOLE_HOSTS } from "./console-hosts";
import type { StsFault } from "./faults";
import { handleFederationRequest } from "./federation";
import { splitRequestTarget } from "./http-io";
import { DEFAULT_ENDPOINT, endpointOf, setFault, type Router } from "./router";
import { StandinState } from "./state";
import { StsEndpoint, type EndpointStatus } from "./sts-endpoint";
import { handleStsRequest } from "./sts-handler";
import { indexWorld, type StandinWorld } from "./world";

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
export type { SamlProviderSummary } from "./admin-routes";

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
      if (endpoint.name !== DEFAULT_ENDPOINT) await endpoint.listenOnFreePort();
      else await endpoint.listen(options.port ?? 0);
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
  if (path === "/") return handleStsRequest(req, res, stsDependencies(router, DEFAULT_ENDPOINT));
  if (path === "/federation") return handleFederationRequest(req, res, router);
  if (path.startsWith("/__standin/")) return routeStandinAdmin(path, req, res, router);
  return sendPlain(res, 404, "not found\n");
}

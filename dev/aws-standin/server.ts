/**
 * The AWS stand-in: an HTTP server speaking STS's Query protocol, IAM's ListRoles/GetRole and
 * AWS Organizations' read API at `/`, and the console federation endpoint at `/federation`, for
 * the demo and the tests. Never used in production.
 *
 * Routes:
 * - `POST /` (and `GET /?Action=…`, also presigned with `X-Amz-Signature` in the query): STS
 *   AssumeRole, AssumeRoleWithSAML (signed or unsigned), GetCallerIdentity, GetSessionToken.
 * - `POST /` signed for `iam` (Query protocol, `Version=2010-05-08`): IAM ListRoles and GetRole
 *   over the caller's own account.
 * - `POST /` signed for `organizations` (JSON 1.1, `X-Amz-Target: AWSOrganizationsV20161128.*`):
 *   DescribeOrganization, ListRoots, ListAccounts, ListParents, DescribeOrganizationalUnit,
 *   ListTagsForResource, DescribeAccount. Which service a `/` request is for: service-routing.ts.
 * - `GET /federation?Action=getSigninToken|login`: console sign-in.
 * - `POST /__standin/saml-providers` with JSON `{ "arn", "metadataXml" }`: registers (or updates)
 *   an IAM SAML provider, for processes that started the stand-in elsewhere; `GET` lists them.
 * - `GET /__standin/calls`, `GET /__standin/federation-calls`, `GET /__standin/service-calls`,
 *   `POST /__standin/reset-calls`, `GET /__standin/health`: introspection for tests (identifiers
 *   only, never secrets).
 * - `GET /__standin/mfa-codes`: the current code of each virtual MFA device (for the demo).
 * - `POST /__standin/faults` with JSON `{ "endpoint", "fault": StsFault | null }` sets or clears an
 *   STS endpoint's fault; `GET` lists every endpoint with its URL, region and fault.
 * - `GET|POST /__standin/service-throttle`, `POST /__standin/roles`, `/__standin/remove-role`,
 *   `/__standin/organization-members`, `/__standin/update-organization-member`: IAM and
 *   Organizations throttling and changes to the world while running (admin-world-routes.ts).
 *
 * What it models, and how strictly: docs/AWS-STANDIN.md.
 *
 * With `stsEndpointNames`, each name gets a listener of its own serving STS at `/` (and
 * `/__standin/health`), sharing the world, state and clock: several regional endpoints whose
 * faults are injected independently. The main listener is the endpoint named "default". Each
 * endpoint serves one region (see AwsStandinOptions.stsEndpointRegions) and refuses a credential
 * scope naming any other; the region's partition decides which principals and roles it knows.
 * IAM and Organizations are global: only the main listener serves them, each signed for its
 * partition's one region (us-east-1 in `aws`).
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
import {
  checkEndpointNames,
  DEFAULT_REGION,
  endpointSetting,
  resolveEndpointRegions,
} from "./endpoint-config";
import type { StsFault } from "./faults";
import { handleFederationRequest } from "./federation";
import { splitRequestTarget } from "./http-io";
import { handleIamRequest } from "./iam-handler";
import type { OrganizationMemberPatch } from "./organization-index";
import { handleOrganizationsRequest } from "./organizations-handler";
import { PageTokens } from "./page-tokens";
import { DEFAULT_ENDPOINT, endpointOf, setFault, type Router } from "./router";
import { serviceOf } from "./service-routing";
import { ServiceThrottles, type ServiceThrottle } from "./service-throttle";
import { StandinState, type ServiceCallRecord } from "./state";
import { StsEndpoint, type EndpointStatus } from "./sts-endpoint";
import { handleStsRequest } from "./sts-handler";
import type { StandinOrganizationMember, StandinRole, StandinWorld } from "./world";
import {
  addOrganizationMember,
  putRole,
  removeRole,
  updateOrganizationMember,
} from "./world-controls";
import { indexWorld } from "./world-index";

export { definePolicyRole, withSamlProvider, withSamlTrust, worldFromDemo } from "./world-builders";
export { CONDITION_KEYS, parseIamPolicy } from "./iam-policy";
export type { ParsedPolicy, PolicyKind } from "./iam-policy";
export type { StandinPartition } from "./partitions";
export { totpCode } from "./totp";
export type { StsFault } from "./faults";
export type { EndpointStatus } from "./sts-endpoint";
export type {
  PolicyDocument,
  RoleSelector,
  StandinAccount,
  StandinMfaDevice,
  StandinOrganization,
  StandinOrganizationalUnit,
  StandinOrganizationMember,
  StandinPrincipal,
  StandinRole,
  StandinSamlProvider,
  StandinWorld,
} from "./world";
export type { FederationCallRecord, ServiceCallRecord, StsCallRecord } from "./state";
export type { ServiceThrottle } from "./service-throttle";
export type { OrganizationMemberPatch } from "./organization-index";
export { DEFAULT_CONSOLE_HOSTS } from "./console-hosts";
export type { SamlProviderSummary } from "./admin-routes";

export interface AwsStandin {
  /** `http://HOST:PORT` */
  url: string;
  /** `http://HOST:PORT/`: the STS endpoint to give the SDK (the one named "default"). */
  stsEndpoint: string;
  /** Every STS endpoint by name: "default" (= stsEndpoint) and each of `stsEndpointNames`. */
  stsEndpoints: Record<string, string>;
  /** The region each STS endpoint serves, by name (see AwsStandinOptions.stsEndpointRegions). */
  stsEndpointRegions: Record<string, string>;
  /**
   * `<region>=<url>` (no trailing slash) for one endpoint: an entry of the portal's
   * GATEHOUSE_STS_ENDPOINTS that signs for the region the endpoint serves.
   *
   * @throws TypeError for an unknown endpoint name.
   */
  stsEndpointSetting(name?: string): string;
  /** `http://HOST:PORT/federation` */
  federationEndpoint: string;
  /**
   * Registers an IAM SAML provider (or replaces the metadata of the one with this ARN) while
   * running. Roles trust it through `trustedSamlProviderArns` (see withSamlTrust) or a Federated
   * principal in their trustPolicy.
   *
   * @returns the entityID and signing certificate count read from the metadata.
   * @throws TypeError when the ARN is not `arn:<partition>:iam::<account>:saml-provider/<Name>`
   *   (in its account's partition) or the metadata is not an IdP EntityDescriptor with a signing
   *   certificate.
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
  /**
   * Throttles (or with null stops throttling) one service's requests deterministically: every
   * Nth, or the first N, counted from now. Throttled requests are authenticated first (their
   * caller is logged), then answered `TooManyRequestsException` (Organizations) or `Throttling`
   * (IAM), HTTP 400, as AWS answers.
   *
   * @throws TypeError for an unknown service or an invalid throttle.
   */
  setServiceThrottle(service: "organizations" | "iam", throttle: ServiceThrottle | null): void;
  /** Every IAM and Organizations request so far (identifiers only), oldest first. */
  serviceCalls(): ServiceCallRecord[];
  /** Clears every call log (STS, federation, IAM and Organizations), as `/__standin/reset-calls`. */
  resetCalls(): void;
  /**
   * Adds a role to an account (its CreateDate now), or replaces the account's role of that name
   * (case-insensitively) with a new RoleId, as deleting and creating it again does at AWS.
   *
   * @returns the role's ARN (with its path).
   * @throws TypeError when the account id or the role is malformed (see startAwsStandin).
   */
  putRole(accountId: string, role: StandinRole): string;
  /**
   * Removes the role an ARN names (exact path and name): IAM no longer lists it, AssumeRole of
   * it is refused like any unknown role, and its existing sessions lose every permission.
   *
   * @returns false when there was no such role.
   */
  removeRole(roleArn: string): boolean;
  /**
   * Renames, suspends, moves or retags an organization member.
   *
   * @throws TypeError without an organization, for a non-member, or an invalid patch.
   */
  updateOrganizationMember(accountId: string, patch: OrganizationMemberPatch): void;
  /**
   * Adds a member to the organization (listed last, joined now). It need not have roles.
   *
   * @throws TypeError without an organization, or for a malformed or duplicate member.
   */
  addOrganizationMember(member: StandinOrganizationMember): void;
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
  /**
   * Extra STS endpoints, e.g. `["us-east-1", "us-west-2"]`: one listener each (free ports), listed
   * in AwsStandin.stsEndpoints. Names are lowercase letters, digits and inner hyphens, unique, and
   * not "default".
   */
  stsEndpointNames?: string[];
  /**
   * The region of endpoints whose name is not a region code, by name ("default" included). An
   * endpoint named like a region code (`us-west-2`) serves that region; may not say otherwise.
   */
  stsEndpointRegions?: Record<string, string>;
  /** The region of every endpoint neither named like a region nor in stsEndpointRegions. Default us-east-1. */
  defaultRegion?: string;
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
  const regions = resolveEndpointRegions(
    [DEFAULT_ENDPOINT, ...names],
    options.stsEndpointRegions,
    options.defaultRegion ?? DEFAULT_REGION,
  );
  const router: Router = {
    world: indexWorld(options.world),
    rawWorld: options.world,
    state: new StandinState(),
    now: options.now ?? (() => new Date()),
    consoleHosts: options.consoleHosts ?? DEFAULT_CONSOLE_HOSTS,
    rejectReusedMfaCodes: options.rejectReusedMfaCodes ?? false,
    endpoints: new Map(),
    throttles: new ServiceThrottles(),
    pageTokens: new PageTokens(),
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
    const region = regions.get(name) ?? DEFAULT_REGION;
    router.endpoints.set(name, new StsEndpoint(name, region, host, guarded(handle)));
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
    stsEndpointRegions: Object.fromEntries(
      [...router.endpoints].map(([name, e]) => [name, e.region]),
    ),
    stsEndpointSetting: (name = DEFAULT_ENDPOINT) => {
      const endpoint = endpointOf(router, name);
      return endpointSetting(endpoint.region, endpoint.url);
    },
    federationEndpoint: `${url}/federation`,
    registerSamlProvider: (arn, metadataXml) =>
      summarize(router.world.registerSamlProvider({ arn, metadataXml })),
    setFault: (endpointName, fault) => setFault(router, endpointName, fault),
    clearFaults: () => {
      for (const endpoint of router.endpoints.values()) endpoint.setFault(null);
    },
    faults: () => [...router.endpoints.values()].map((endpoint) => endpoint.status()),
    setServiceThrottle: (service, throttle) => router.throttles.set(service, throttle),
    serviceCalls: () => router.state.serviceCalls.map((call) => ({ ...call })),
    resetCalls: () => router.state.resetCalls(),
    putRole: (accountId, role) => putRole(router, accountId, role),
    removeRole: (roleArn) => removeRole(router, roleArn),
    updateOrganizationMember: (accountId, patch) =>
      updateOrganizationMember(router, accountId, patch),
    addOrganizationMember: (member) => addOrganizationMember(router, member),
    close: closeAll,
  };
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
    region: endpoint.region,
    takeFault: () => endpoint.takeFault(),
    signal: router.closing.signal,
  };
}

async function route(req: IncomingMessage, res: ServerResponse, router: Router): Promise<void> {
  const { path } = splitRequestTarget(req.url ?? "/");
  if (path === "/") {
    const sts = stsDependencies(router, DEFAULT_ENDPOINT);
    const { service, isPinned } = serviceOf(req.headers, req.url ?? "/");
    switch (service) {
      case "iam":
        return handleIamRequest(
          req,
          res,
          router,
          isPinned ? undefined : (body) => handleStsRequest(req, res, sts, body),
        );
      case "organizations":
        return handleOrganizationsRequest(req, res, router);
      default:
        return handleStsRequest(req, res, sts);
    }
  }
  if (path === "/federation") return handleFederationRequest(req, res, router);
  if (path.startsWith("/__standin/")) return routeStandinAdmin(path, req, res, router);
  return sendPlain(res, 404, "not found\n");
}

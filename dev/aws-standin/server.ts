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
import { sendPlain, summarize } from "./admin-routes";
import { DEFAULT_CONSOLE_HOSTS } from "./console-hosts";
import {
  checkEndpointNames,
  DEFAULT_REGION,
  endpointSetting,
  resolveEndpointRegions,
} from "./endpoint-config";
import { route, routeSts } from "./listener-routes";
import { PageTokens } from "./page-tokens";
import { DEFAULT_ENDPOINT, endpointOf, setFault, type Router } from "./router";
import { ServiceThrottles } from "./service-throttle";
import type { AwsStandin, AwsStandinOptions } from "./standin-api";
import { StandinState } from "./state";
import { StsEndpoint } from "./sts-endpoint";
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
export type { AwsStandin, AwsStandinOptions } from "./standin-api";

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

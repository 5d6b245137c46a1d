/**
 * What every listener of one stand-in shares — the world, the call log, the clock, the STS
 * endpoints with their faults, the IAM and Organizations throttles and pagination key — and the
 * lookups both the service side and the admin routes need.
 */
import { parseStsFault } from "./faults";
import type { PageTokens } from "./page-tokens";
import type { ServiceThrottles } from "./service-throttle";
import type { StandinState } from "./state";
import type { StsEndpoint } from "./sts-endpoint";
import type { StandinWorld, WorldIndex } from "./world";

/** The endpoint on the main listener (which also serves federation and /__standin). */
export const DEFAULT_ENDPOINT = "default";

export interface Router {
  world: WorldIndex;
  /** The world as given, for listing its virtual MFA devices. */
  rawWorld: StandinWorld;
  state: StandinState;
  now: () => Date;
  consoleHosts: readonly string[];
  rejectReusedMfaCodes: boolean;
  endpoints: Map<string, StsEndpoint>;
  throttles: ServiceThrottles;
  pageTokens: PageTokens;
  /** Aborted on close, ending injected delays. */
  closing: AbortController;
}

/** @throws TypeError naming the known endpoints when there is no endpoint called `name`. */
export function endpointOf(router: Router, name: string): StsEndpoint {
  const endpoint = router.endpoints.get(name);
  if (!endpoint) {
    const known = [...router.endpoints.keys()].join(", ");
    throw new TypeError(`unknown STS endpoint ${JSON.stringify(name)} (known: ${known})`);
  }
  return endpoint;
}

/** Validates and applies a fault. @throws TypeError (see AwsStandin.setFault). */
export function setFault(router: Router, endpointName: string, fault: unknown): StsEndpoint {
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

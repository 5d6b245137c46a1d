/** What startAwsStandin (server.ts) takes and the handle it returns. */
import type { SamlProviderSummary } from "./admin-routes";
import type { StsFault } from "./faults";
import type { OrganizationMemberPatch } from "./organization-index";
import type { ServiceThrottle } from "./service-throttle";
import type { ServiceCallRecord } from "./state";
import type { EndpointStatus } from "./sts-endpoint";
import type { StandinOrganizationMember, StandinRole, StandinWorld } from "./world";

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

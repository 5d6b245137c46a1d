/**
 * Which service a request to the main listener's `/` is for. AWS serves STS, IAM and
 * Organizations at hosts of their own; the stand-in serves all three at one address and tells
 * them apart the way the request itself does:
 *
 * 1. an AWS host name in Host decides, as at AWS (`iam.amazonaws.com`, `sts.<region>…`);
 * 2. the Organizations JSON protocol's `X-Amz-Target` (which STS and IAM never send) is
 *    Organizations;
 * 3. a request whose SigV4 credential scope names `iam` is IAM's — unless it turns out to be a
 *    call of STS's API (`Version=2011-06-15`), which IAM hands back to STS (iam-handler.ts), so
 *    an STS call signed for the wrong service still gets STS's answer;
 * 4. anything else — unsigned requests included — is STS, as before.
 *
 * Each handler then holds the scope to its own service, so an Organizations request signed for
 * `iam` is refused by Organizations ("scoped to correct service: 'organizations'").
 *
 * IAM and Organizations are global services, each signed for one region per partition.
 */
import type { IncomingHttpHeaders } from "node:http";
import { splitRequestTarget } from "./http-io";
import { partitionOfRegion, regionOfAwsHost, type StandinPartition } from "./partitions";
import { singleHeader } from "./sigv4-parse";

export type GlobalService = "iam" | "organizations";
export type RoutedService = "sts" | GlobalService;

/** The region IAM and Organizations are signed for in each partition (AWS's global endpoints). */
export const GLOBAL_SIGNING_REGIONS: Readonly<
  Record<GlobalService, Readonly<Record<StandinPartition, string>>>
> = {
  iam: { aws: "us-east-1", "aws-us-gov": "us-gov-west-1", "aws-cn": "cn-north-1" },
  organizations: { aws: "us-east-1", "aws-us-gov": "us-gov-west-1", "aws-cn": "cn-northwest-1" },
};

/** AWS's own host names of the two global services, with the partition each serves. */
const GLOBAL_HOSTS: ReadonlyMap<string, { service: GlobalService; partition: StandinPartition }> =
  new Map([
    ["iam.amazonaws.com", { service: "iam", partition: "aws" }],
    ["iam-fips.amazonaws.com", { service: "iam", partition: "aws" }],
    ["iam.us-gov.amazonaws.com", { service: "iam", partition: "aws-us-gov" }],
    ["iam.cn-north-1.amazonaws.com.cn", { service: "iam", partition: "aws-cn" }],
    ["organizations.us-east-1.amazonaws.com", { service: "organizations", partition: "aws" }],
    ["organizations-fips.us-east-1.amazonaws.com", { service: "organizations", partition: "aws" }],
    [
      "organizations.us-gov-west-1.amazonaws.com",
      { service: "organizations", partition: "aws-us-gov" },
    ],
    [
      "organizations.cn-northwest-1.amazonaws.com.cn",
      { service: "organizations", partition: "aws-cn" },
    ],
  ]);

export const ORGANIZATIONS_TARGET_PREFIX = "AWSOrganizationsV20161128.";

/** The global service and partition an AWS host name pins, if Host is one. */
export function globalServiceHost(
  host: string,
): { service: GlobalService; partition: StandinPartition } | undefined {
  return GLOBAL_HOSTS.get(host.replace(/:\d+$/, "").replace(/\.$/, "").toLowerCase());
}

/**
 * The service a `/` request is for (see the module comment), from its headers and query only,
 * and whether an AWS host name pinned it.
 */
export function serviceOf(
  headers: IncomingHttpHeaders,
  url: string,
): { service: RoutedService; isPinned: boolean } {
  const host = singleHeader(headers, "host") ?? "";
  const pinned = globalServiceHost(host);
  if (pinned) return { service: pinned.service, isPinned: true };
  if (regionOfAwsHost(host) !== undefined) return { service: "sts", isPinned: true };
  if ((singleHeader(headers, "x-amz-target") ?? "").startsWith(ORGANIZATIONS_TARGET_PREFIX)) {
    return { service: "organizations", isPinned: false };
  }
  return { service: scopeService(headers, url) === "iam" ? "iam" : "sts", isPinned: false };
}

/**
 * The partition a global-service request acts in: the one its AWS host name pins, else the one
 * of the region its scope names (a region outside the three partitions is `aws`'s, and then
 * not us-east-1, so it is refused).
 */
export function partitionOfGlobalRequest(host: string, signingRegion: string): StandinPartition {
  return globalServiceHost(host)?.partition ?? partitionOfRegion(signingRegion);
}

/** The `<service>` of `Credential=<key>/<date>/<region>/<service>/…`, header or query. */
function scopeService(headers: IncomingHttpHeaders, url: string): string | undefined {
  const header = singleHeader(headers, "authorization");
  const credential =
    header !== undefined
      ? /Credential=([^,\s]*)/.exec(header)?.[1]
      : (new URLSearchParams(splitRequestTarget(url).search).get("X-Amz-Credential") ?? undefined);
  return credential?.split("/")[3];
}

import {
  AWS_PARTITIONS,
  PARTITION_FACTS,
  partitionOf,
  type AwsPartition,
} from "@/lib/aws/partitions";
import { isListedRegion } from "@/lib/aws/regions";
import { isLoopbackUrl } from "./loopback";

/**
 * The sign-in federation endpoints AWS documents for each partition (docs/AWS.md "Partitions"):
 * the partition's own, and in the commercial partition each region's `<region>.signin.aws.amazon.com`.
 */
export function acceptedFederationEndpoints(partition: AwsPartition): string {
  const own = PARTITION_FACTS[partition].federationEndpoint;
  return partition === "aws"
    ? `${own} or https://<region>.signin.aws.amazon.com/federation for a commercial region`
    : own;
}

/**
 * What is wrong with GATEHOUSE_FEDERATION_ENDPOINT for a broker in `awsRegion`'s partition, or
 * undefined when it fits. Checked at start because the endpoint is first used at a person's console
 * click, where a wrong host or another partition's endpoint (its sign-in service refuses this
 * partition's credentials) would only show as a failed sign-in. A loopback URL (http or https, any
 * path) is the local AWS stand-in of the demo and the tests.
 */
export function federationEndpointProblem(value: string, awsRegion: string): string | undefined {
  if (isLoopbackUrl(value)) return undefined;
  const partition = partitionOf(awsRegion);
  const accepted = `accepted for ${PARTITION_FACTS[partition].name} (partition ${partition}, from AWS_REGION ${awsRegion}): ${acceptedFederationEndpoints(partition)}, or a URL on localhost for a local stand-in`;
  let url: URL;
  try {
    url = new URL(value);
  } catch {
    return `GATEHOUSE_FEDERATION_ENDPOINT "${value}" is not a URL; ${accepted}`;
  }
  if (url.protocol !== "https:") {
    return `GATEHOUSE_FEDERATION_ENDPOINT must use https:// except on localhost: console sign-in tokens would cross the network in clear text; ${accepted}`;
  }
  const hostPartition = federationHostPartition(url.hostname);
  const exact =
    url.port === "" && url.pathname === "/federation" && url.search === "" && url.hash === "";
  if (hostPartition === partition && exact) return undefined;
  const why =
    hostPartition !== undefined && hostPartition !== partition
      ? `it is the sign-in endpoint of the ${hostPartition} partition, whose sign-in service refuses credentials of ${partition}`
      : hostPartition === undefined
        ? `'${url.host}' is not an AWS sign-in host`
        : "an AWS sign-in host takes no port, query or fragment and its federation path is /federation";
  return `GATEHOUSE_FEDERATION_ENDPOINT "${value}" is not a federation endpoint of the broker's partition: ${why}; ${accepted}`;
}

/** The partition whose documented sign-in host `hostname` is, or undefined. */
function federationHostPartition(hostname: string): AwsPartition | undefined {
  for (const partition of AWS_PARTITIONS) {
    if (new URL(PARTITION_FACTS[partition].federationEndpoint).hostname === hostname)
      return partition;
  }
  const regional = /^([a-z0-9-]+)\.signin\.aws\.amazon\.com$/.exec(hostname)?.[1];
  // Only commercial regions have a host under signin.aws.amazon.com.
  if (regional !== undefined && isListedRegion(regional) && partitionOf(regional) === "aws")
    return "aws";
  return undefined;
}

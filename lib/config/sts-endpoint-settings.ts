import {
  AWS_REGION_HINT,
  isAwsRegion,
  partitionOf,
  PARTITION_FACTS,
  regionOfStsHost,
  stsEndpointFor,
  type AwsPartition,
} from "@/lib/aws/partitions";

/**
 * One STS endpoint the broker may call, and the region every request to it is signed for (AWS
 * refuses a credential scope naming any other region: docs/AWS.md "STS endpoints").
 */
export interface StsEndpointConfig {
  url: string;
  region: string;
  /** The entry as the operator wrote it, for messages and the Broker page. */
  entry: string;
}

export interface StsEndpointOptions {
  fips: boolean;
  dualStack: boolean;
}

/**
 * Reads one entry of GATEHOUSE_STS_ENDPOINTS:
 * - a region code (`us-west-2`): that region's STS host, FIPS and/or dual-stack as configured;
 * - `region=URL` (`us-east-1=https://vpce-0abc.sts.us-east-1.vpce.amazonaws.com`): a VPC interface
 *   endpoint, a proxy or a local server, signed for that region;
 * - a URL whose host names its region (`https://sts.eu-west-1.amazonaws.com`, a VPC endpoint's DNS
 *   name, `https://sts.amazonaws.com` = us-east-1).
 * Anything else is a problem that names the entry and says how to write it.
 */
export function parseStsEndpointEntry(
  entry: string,
  opts: StsEndpointOptions,
): { ok: true; endpoint: StsEndpointConfig } | { ok: false; problem: string } {
  const fail = (problem: string) => ({ ok: false as const, problem: `"${entry}" ${problem}` });
  const assignment = /^([a-z0-9-]+)=(.+)$/.exec(entry);
  if (assignment) {
    const [, region = "", url = ""] = assignment;
    if (!isAwsRegion(region))
      return fail(`names the region "${assignment[1]}", which ${AWS_REGION_HINT}`);
    if (!isHttpUrl(url)) return fail("must be <region>=<http(s) URL>");
    return { ok: true, endpoint: { url: trimSlash(url), region, entry } };
  }
  if (isHttpUrl(entry)) {
    const region = regionOfStsHost(new URL(entry).hostname);
    if (region === null)
      return fail(
        `does not say which region to sign for (its host names none): write it as <region>=${entry}, e.g. us-east-1=${entry}`,
      );
    return { ok: true, endpoint: { url: trimSlash(entry), region, entry } };
  }
  if (isAwsRegion(entry)) {
    try {
      return { ok: true, endpoint: { url: stsEndpointFor(entry, opts), region: entry, entry } };
    } catch (error) {
      return fail(`can't be used with FIPS: ${(error as Error).message}`);
    }
  }
  return fail(
    "is neither an AWS region code (us-west-2), <region>=<URL>, nor an STS URL whose host names its region",
  );
}

/**
 * Every entry of the ordered list, all in the broker's partition (its credentials are valid in one
 * partition only), or every problem at once.
 */
export function resolveStsEndpoints(
  entries: readonly string[],
  opts: StsEndpointOptions & { brokerPartition: AwsPartition },
): { ok: true; endpoints: StsEndpointConfig[] } | { ok: false; problems: string[] } {
  const endpoints: StsEndpointConfig[] = [];
  const problems: string[] = [];
  for (const entry of entries) {
    const parsed = parseStsEndpointEntry(entry, opts);
    if (!parsed.ok) {
      problems.push(parsed.problem);
      continue;
    }
    const partition = partitionOf(parsed.endpoint.region);
    if (partition !== opts.brokerPartition) {
      problems.push(
        `"${entry}" is in ${PARTITION_FACTS[partition].name}, but the broker (AWS_REGION) is in ${PARTITION_FACTS[opts.brokerPartition].name}: a broker's credentials work in one partition only; run one portal per partition`,
      );
      continue;
    }
    endpoints.push(parsed.endpoint);
  }
  return problems.length > 0 ? { ok: false, problems } : { ok: true, endpoints };
}

function isHttpUrl(value: string): boolean {
  try {
    const url = new URL(value);
    return url.protocol === "https:" || url.protocol === "http:";
  } catch {
    return false;
  }
}

function trimSlash(url: string): string {
  return url.replace(/\/+$/, "");
}

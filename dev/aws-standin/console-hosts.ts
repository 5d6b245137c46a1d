/**
 * Which console URLs a federation login may land on. The Destination is attacker-influenced input
 * to an endpoint that hands out a signed-in session, so it is parsed with WHATWG URL rules (the
 * browser's) and the host compared exactly: no suffix or substring matching.
 */

import { partitionOfRegion, type StandinPartition } from "./partitions";

/**
 * Default console hosts. `*.` stands for exactly one label that is an AWS region name, e.g.
 * `eu-west-1.console.aws.amazon.com`; everything else must match exactly.
 */
export const DEFAULT_CONSOLE_HOSTS: readonly string[] = [
  "console.aws.amazon.com",
  "*.console.aws.amazon.com",
  "console.amazonaws-us-gov.com",
  "*.console.amazonaws-us-gov.com",
  "console.amazonaws.cn",
  "*.console.amazonaws.cn",
];

const REGION = /^[a-z]{2}(-gov|-iso[a-z]?)?-[a-z]+-\d{1,2}$/;

/** Where a login lands: the parsed URL, the console region it opens in and that console's partition. */
export interface ConsoleDestination {
  url: URL;
  region: string;
  partition: StandinPartition;
}

/**
 * Parses a Destination and checks it against the allowlist: https only, no credentials or port,
 * host on the list.
 *
 * @returns the destination and its region (the `region` query parameter, else the host's region
 *   label, else the partition's default region), or null when the URL is not allowed.
 */
export function parseConsoleDestination(
  destination: string,
  allowedHosts: readonly string[],
): ConsoleDestination | null {
  let url: URL;
  try {
    url = new URL(destination);
  } catch {
    return null;
  }
  if (url.protocol !== "https:" || url.username !== "" || url.password !== "" || url.port !== "") {
    return null;
  }
  const hostRegion = matchHost(url.hostname, allowedHosts);
  if (hostRegion === null) return null;
  const queryRegion = url.searchParams.get("region");
  const region =
    queryRegion !== null && REGION.test(queryRegion)
      ? queryRegion
      : (hostRegion ?? defaultRegionFor(url.hostname));
  return { url, region, partition: partitionOfConsoleHost(url.hostname) };
}

/** Whether a string is an absolute http(s) URL, as an Issuer must be. */
export function isHttpUrl(value: string): boolean {
  try {
    const url = new URL(value);
    return url.protocol === "https:" || url.protocol === "http:";
  } catch {
    return false;
  }
}

/** null: not allowed; undefined: allowed, no region in the host; string: the host's region. */
function matchHost(hostname: string, allowedHosts: readonly string[]): string | undefined | null {
  for (const allowed of allowedHosts) {
    if (allowed.startsWith("*.")) {
      const suffix = allowed.slice(1);
      const label = hostname.endsWith(suffix) ? hostname.slice(0, -suffix.length) : "";
      // A region's console exists only under its own partition's host: no DNS name
      // eu-west-1.console.amazonaws-us-gov.com or us-gov-west-1.console.aws.amazon.com.
      if (REGION.test(label) && partitionOfRegion(label) === partitionOfConsoleHost(hostname)) {
        return label;
      }
    } else if (hostname === allowed.toLowerCase()) {
      return undefined;
    }
  }
  return null;
}

function defaultRegionFor(hostname: string): string {
  const partition = partitionOfConsoleHost(hostname);
  return partition === "aws-us-gov"
    ? "us-gov-west-1"
    : partition === "aws-cn"
      ? "cn-north-1"
      : "us-east-1";
}

function partitionOfConsoleHost(hostname: string): StandinPartition {
  if (hostname.endsWith("amazonaws-us-gov.com")) return "aws-us-gov";
  if (hostname.endsWith("amazonaws.cn")) return "aws-cn";
  return "aws";
}

import { isAwsRegion, partitionOf, type AwsPartition } from "./partitions";

// The AWS console's hosts in each partition: which host a region's console is on, and which hosts a
// console URL or a federation Destination may name (docs/AWS.md "Console sign-in"). Client-safe.

/**
 * The console host of each partition. Every region also has its own host below it
 * (`eu-west-1.console.aws.amazon.com`, `us-gov-west-1.console.amazonaws-us-gov.com`,
 * `cn-northwest-1.console.amazonaws.cn`): that is what a console tab's address bar shows.
 */
export const CONSOLE_HOSTS: Readonly<Record<AwsPartition, string>> = Object.freeze({
  aws: "console.aws.amazon.com",
  "aws-us-gov": "console.amazonaws-us-gov.com",
  "aws-cn": "console.amazonaws.cn",
});

export const AWS_PARTITIONS: readonly AwsPartition[] = Object.freeze([
  "aws",
  "aws-us-gov",
  "aws-cn",
]);

/**
 * Commercial console hosts that serve a single service (`s3.console.aws.amazon.com/s3/…`,
 * `support.console.aws.amazon.com/support/…`). URLs copied from them are accepted and rebuilt on the
 * regional host, which serves the same paths.
 */
const SERVICE_CONSOLE_SUBDOMAINS = new Set(["s3", "support"]);

/** The console host a region's console is served from. */
export function consoleHostOf(region: string): string {
  const partition = partitionOf(region);
  return partition === "aws" ? `${region}.${CONSOLE_HOSTS.aws}` : CONSOLE_HOSTS[partition];
}

/** The region a regional console host (`eu-west-1.console.aws.amazon.com`) is for; else undefined. */
export function regionOfConsoleHost(host: string): string | undefined {
  if (regionalConsoleHostPartition(host) === undefined) return undefined;
  return host.slice(0, host.indexOf("."));
}

/** The partition whose console `host` (lower case, no port) is, for input URLs; else undefined. */
export function consoleHostPartition(host: string): AwsPartition | undefined {
  for (const partition of AWS_PARTITIONS) {
    if (CONSOLE_HOSTS[partition] === host) return partition;
  }
  const suffix = `.${CONSOLE_HOSTS.aws}`;
  if (host.endsWith(suffix) && SERVICE_CONSOLE_SUBDOMAINS.has(host.slice(0, -suffix.length))) {
    return "aws";
  }
  return regionalConsoleHostPartition(host);
}

/**
 * The partition of a regional console host, `<region>.<partition's console host>` with a region of
 * that very partition (`eu-west-1.console.amazonaws-us-gov.com` is no host); else undefined.
 */
function regionalConsoleHostPartition(hostname: string): AwsPartition | undefined {
  for (const partition of AWS_PARTITIONS) {
    const suffix = `.${CONSOLE_HOSTS[partition]}`;
    if (!hostname.endsWith(suffix)) continue;
    const region = hostname.slice(0, -suffix.length);
    return isAwsRegion(region) && partitionOf(region) === partition ? partition : undefined;
  }
  return undefined;
}

/**
 * Whether `url` may be the Destination of a federation login: `https:` only, no user info, no port, and
 * the host exactly a partition's console host (`console.aws.amazon.com`,
 * `console.amazonaws-us-gov.com`, `console.amazonaws.cn`), or that host with `<region>.` in front for
 * a region of the same partition. The raw text must also spell that host literally (no
 * percent-encoding, backslashes, whitespace or non-ASCII), so that no other URL parser can read a
 * different host out of the same string.
 */
export function isAllowedConsoleDestination(url: string): boolean {
  if (typeof url !== "string" || !/^[\x21-\x7e]+$/.test(url) || url.includes("\\")) return false;
  const authority = /^https:\/\/([^/?#]*)/i.exec(url)?.[1];
  if (authority === undefined) return false;

  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    return false;
  }
  if (parsed.protocol !== "https:" || parsed.username !== "" || parsed.password !== "")
    return false;
  if (parsed.port !== "" || authority.toLowerCase() !== parsed.host) return false;
  return isConsoleHost(parsed.hostname);
}

function isConsoleHost(hostname: string): boolean {
  if (Object.values(CONSOLE_HOSTS).includes(hostname)) return true;
  return regionalConsoleHostPartition(hostname) !== undefined;
}

/**
 * The STS endpoints a stand-in runs: their names, and which region each serves. Like AWS's
 * regional endpoints, every endpoint belongs to one region and refuses a SigV4 credential scoped
 * to any other; the region also decides the partition whose principals, roles and ARNs the
 * endpoint deals in.
 */
import { REGION } from "./partitions";

export const DEFAULT_REGION = "us-east-1";
const HINT = "is not a region code of aws, aws-us-gov or aws-cn (e.g. us-east-1, us-gov-west-1)";

/** An STS endpoint name: lowercase letters, digits and inner hyphens (a DNS label). */
const ENDPOINT_NAME = /^[a-z0-9](?:[a-z0-9-]{0,62}[a-z0-9])?$/;

/** @throws TypeError when a name is malformed, repeated or "default". */
export function checkEndpointNames(names: readonly string[]): string[] {
  const seen = new Set<string>();
  for (const name of names) {
    if (!ENDPOINT_NAME.test(name)) {
      throw new TypeError(
        `aws-standin: STS endpoint name ${JSON.stringify(name)} must be 1–64 lowercase letters, digits and inner hyphens`,
      );
    }
    if (name === "default" || seen.has(name)) {
      throw new TypeError(`aws-standin: STS endpoint name ${name} is reserved or repeated`);
    }
    seen.add(name);
  }
  return [...names];
}

/**
 * The region of every endpoint: a name that is a region code (`us-west-2`) is that region;
 * otherwise `configured[name]`, else `defaultRegion` (also for "default").
 *
 * @throws TypeError when `defaultRegion` or a configured region is not a region code, a configured
 *   name is not an endpoint, or a region-named endpoint is configured with another region.
 */
export function resolveEndpointRegions(
  names: readonly string[],
  configured: Readonly<Record<string, string>> = {},
  defaultRegion: string = DEFAULT_REGION,
): Map<string, string> {
  if (!REGION.test(defaultRegion)) {
    throw new TypeError(`aws-standin: defaultRegion ${JSON.stringify(defaultRegion)} ${HINT}`);
  }
  const problems: string[] = [];
  for (const [name, region] of Object.entries(configured)) {
    if (!names.includes(name)) {
      problems.push(`stsEndpointRegions names ${JSON.stringify(name)}, which is no STS endpoint`);
    } else if (typeof region !== "string" || !REGION.test(region)) {
      problems.push(`stsEndpointRegions.${name} ${JSON.stringify(region)} ${HINT}`);
    } else if (REGION.test(name) && region !== name) {
      problems.push(
        `stsEndpointRegions.${name} is ${region}, but an endpoint named ${name} serves ${name}`,
      );
    }
  }
  if (problems.length > 0) throw new TypeError(`aws-standin: ${problems.join("; ")}`);
  const regions = new Map<string, string>();
  for (const name of names) {
    const own = REGION.test(name) ? name : undefined;
    const set = Object.hasOwn(configured, name) ? configured[name] : undefined;
    regions.set(name, own ?? set ?? defaultRegion);
  }
  return regions;
}

/** `<region>=<url without trailing slash>`, one entry of the portal's GATEHOUSE_STS_ENDPOINTS. */
export function endpointSetting(region: string, url: string): string {
  return `${region}=${url.replace(/\/+$/, "")}`;
}

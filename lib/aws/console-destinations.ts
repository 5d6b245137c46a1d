import { isAwsRegion, partitionOf, type AwsPartition } from "./partitions";
import {
  AWS_PARTITIONS,
  CONSOLE_HOSTS,
  consoleHostOf,
  consoleHostPartition,
  isAllowedConsoleDestination,
  regionOfConsoleHost,
} from "./console-hosts";
import { CONSOLE_SERVICES, SERVICES_BY_ID } from "./console-services";
import { isListedRegion } from "./regions";

/**
 * Where the AWS console opens after a federation sign-in (docs/AWS.md "Console sign-in").
 *
 * The federation login sends the user's browser, carrying a bearer sign-in token, to a Destination of
 * our choosing. A destination may come from a deep link someone else wrote, so whatever the input —
 * a service id, a console path or a pasted console URL — the result is rebuilt on the console host of
 * the chosen region's partition, and anything that could steer it elsewhere is refused with a message
 * that names the problem; {@link acceptedDestinationsHint} says what would be accepted instead.
 *
 * Client-safe (no `server-only`, no `node:` imports): the destination picker validates as the user types,
 * with the same rules issuance applies.
 */

/** Longest destination accepted, as typed (deep links, forms, the CLI). */
export const MAX_DESTINATION_LENGTH = 2048;

export type ConsoleDestinationResult =
  /**
   * `region`: the region the console opens in — the destination's own when it names one, else the
   * chosen one; undefined only for a partition with a destination naming no region.
   */
  { ok: true; url: string; region: string | undefined } | { ok: false; message: string };

/**
 * The console URL to send a user to, from what they (or a deep link) asked for.
 *
 * `regionOrPartition` is a region code (`eu-west-1`, `us-gov-west-1`, `cn-north-1`) or, when no region
 * is chosen, a partition (`aws`, `aws-us-gov`, `aws-cn`). `destination` is one of:
 * - undefined or `""`: the console home;
 * - a service id from {@link CONSOLE_SERVICES} (`ec2`, `route53`, …);
 * - a console path starting with a single `/` (`/ec2/home?region=eu-west-1#Instances:`);
 * - a full `https://` URL on a console host of the same partition.
 *
 * A destination that names a region of its own — a `region=` parameter, else a regional console host
 * (`us-east-1.console.aws.amazon.com`) — opens in that region, which must be a listed region of the
 * same partition; otherwise the chosen region. That region is returned as `region`, so that what is
 * audited and answered is where the console opens (docs/AWS.md "Console sign-in").
 *
 * The result is always `https://` on the console host of that region (`<region>.console.aws.amazon.com`
 * in the commercial partition, the partition's host in GovCloud and China), with `region=<region>` added
 * when the destination's query names none, and it always passes {@link isAllowedConsoleDestination}.
 * A returned URL fed back in comes back unchanged.
 *
 * Never throws: every refusal is `{ ok: false, message }`, safe to show to the user.
 */
export function consoleDestination(
  regionOrPartition: string,
  destination?: string,
): ConsoleDestinationResult {
  const target = resolveTarget(regionOrPartition);
  if (!target.ok) return target;
  if (destination !== undefined && typeof destination !== "string") {
    return refuse("destination must be text");
  }

  const input = destination ?? "";
  const path = toConsolePath(input, target.partition);
  if (!path.ok) return path;
  return buildOnHost(path.path, path.hostRegion, target);
}

/**
 * What a console destination may be, for a person whose destination was refused: the forms
 * accepted, with the console host of the partition of `regionOrPartition` (a region code or a
 * partition; anything else reads as the commercial partition).
 */
export function acceptedDestinationsHint(regionOrPartition: string): string {
  const partition = isAwsRegion(regionOrPartition)
    ? partitionOf(regionOrPartition)
    : (AWS_PARTITIONS.find((p) => p === regionOrPartition) ?? "aws");
  const host = `${CONSOLE_HOSTS[partition]} or <region>.${CONSOLE_HOSTS[partition]}`;
  return `Accepted: a service such as ec2 or s3, a console path starting with / (like /ec2/home#Instances:), or an https:// URL on ${host}; leave it empty for the console home.`;
}

/** The whole refusal, as issuance reports it: what is wrong, then what is accepted. */
export function refusedDestinationMessage(regionOrPartition: string, problem: string): string {
  return `This console destination is not allowed: ${problem}. ${acceptedDestinationsHint(regionOrPartition)}`;
}

interface Target {
  ok: true;
  partition: AwsPartition;
  region: string | undefined;
  host: string;
}

function resolveTarget(regionOrPartition: string): Target | { ok: false; message: string } {
  if (isAwsRegion(regionOrPartition)) {
    const partition = partitionOf(regionOrPartition);
    return {
      ok: true,
      partition,
      region: regionOrPartition,
      host: consoleHostOf(regionOrPartition),
    };
  }
  const partition = AWS_PARTITIONS.find((p) => p === regionOrPartition);
  if (partition !== undefined) {
    return { ok: true, partition, region: undefined, host: CONSOLE_HOSTS[partition] };
  }
  return refuse(
    `'${preview(String(regionOrPartition))}' is not an AWS region code (like eu-west-1) or partition (aws, aws-us-gov, aws-cn)`,
  );
}

type ConsolePath = { ok: true; path: string; hostRegion?: string } | { ok: false; message: string };

/**
 * Turns any accepted input form into a path (starting with one `/`) on the target's console host,
 * with the region a pasted URL's regional console host names.
 */
function toConsolePath(input: string, partition: AwsPartition): ConsolePath {
  if (input === "") return { ok: true, path: "/console/home" };
  if (input.length > MAX_DESTINATION_LENGTH) {
    return refuse(`destination is longer than ${MAX_DESTINATION_LENGTH} characters`);
  }
  const bad = /[^\x21-\x7e]/.exec(input);
  if (bad !== null) {
    const code = bad[0].codePointAt(0) ?? 0;
    const isControlOrSpace = code <= 0x20 || (code >= 0x7f && code <= 0x9f) || /\s/u.test(bad[0]);
    return refuse(
      isControlOrSpace
        ? `destination contains whitespace or a control character at position ${bad.index + 1}`
        : `destination contains a non-ASCII character at position ${bad.index + 1}; percent-encode it`,
    );
  }
  if (input.includes("\\")) return refuse("destination must not contain a backslash");
  if (input.startsWith("//")) {
    return refuse("a scheme-relative URL ('//host/…') is not allowed");
  }
  if (input.startsWith("/")) return { ok: true, path: input };

  const scheme = /^([A-Za-z][A-Za-z0-9+.-]*):/.exec(input)?.[1];
  if (scheme !== undefined) {
    if (scheme.toLowerCase() !== "https") {
      return refuse(`'${preview(scheme)}:' URLs are not allowed`);
    }
    return consoleUrlToPath(input, partition);
  }

  const service = SERVICES_BY_ID.get(input.toLowerCase());
  if (service === undefined) {
    return refuse(
      `unknown service '${preview(input)}' (the services are ${CONSOLE_SERVICES.map((s) => s.id).join(", ")})`,
    );
  }
  return { ok: true, path: `/${service.path}` };
}

function consoleUrlToPath(url: string, partition: AwsPartition): ConsolePath {
  const authority = /^https:\/\/([^/?#]*)/i.exec(url)?.[1];
  if (authority === undefined) return refuse("a console URL must start with https://");
  if (authority.includes("@")) return refuse("a console URL must not carry user info ('…@')");
  if (authority.includes("%")) return refuse("a console URL must not have a percent-encoded host");
  if (authority.includes(":")) return refuse("a console URL must not name a port");
  if (authority === "") return refuse("the console URL has no host");

  const host = authority.toLowerCase();
  const hostPartition = consoleHostPartition(host);
  if (hostPartition === undefined) {
    return refuse(`'${preview(host)}' is not an AWS console host`);
  }
  if (hostPartition !== partition) {
    return refuse(
      `this is a console URL of the ${hostPartition} partition, but the chosen region is in ${partition}`,
    );
  }
  const rest = url.slice("https://".length + authority.length);
  const hostRegion = regionOfConsoleHost(host);
  return {
    ok: true,
    path: rest.startsWith("/") ? rest : `/${rest}`,
    ...(hostRegion !== undefined ? { hostRegion } : {}),
  };
}

function buildOnHost(
  path: string,
  hostRegion: string | undefined,
  target: Target,
): ConsoleDestinationResult {
  const end = path.search(/[?#]/);
  const pathname = end === -1 ? path : path.slice(0, end);
  // The console host resolves dot segments before routing; refuse them (and their encoded forms)
  // rather than let a path mean something other than what it says.
  if (pathname.split("/").some((segment) => /^(?:\.|%2e){1,2}$/i.test(segment))) {
    return refuse("a console path must not contain '.' or '..' segments");
  }

  const origin = `https://${target.host}`;
  let url: URL;
  try {
    url = new URL(path, origin);
  } catch {
    return refuse("destination is not a valid console path");
  }
  if (url.origin !== origin) return refuse("destination does not stay on the console host");
  const redirect = redirectTargetIn(url);
  if (redirect !== null) {
    return refuse(
      `a console destination must not carry a redirect target (${redirect}): an AWS page such as the console's logout would send the browser on to it`,
    );
  }

  const regionParams = new URLSearchParams(url.search).getAll("region");
  if (regionParams.length > 1) return refuse("destination names more than one region");
  const ownRegion = regionParams[0];
  if (ownRegion !== undefined) {
    if (!isAwsRegion(ownRegion) || partitionOf(ownRegion) !== target.partition) {
      return refuse(
        `the destination's region '${preview(ownRegion)}' is not a region of the ${target.partition} partition`,
      );
    }
    if (!isListedRegion(ownRegion)) {
      return refuse(
        `the destination's region '${ownRegion}' names no region, so it has no console`,
      );
    }
  }
  // The console opens where the destination says (its region parameter wins over its host, as on a
  // global service's page, homed in us-east-1 but carrying the region the user was in); a URL the
  // person pasted stays the page they meant, and the region recorded is the one it opens in.
  if (ownRegion === undefined && hostRegion !== undefined && !isListedRegion(hostRegion)) {
    return refuse(
      `the console host's region '${hostRegion}' names no region, so it has no console`,
    );
  }
  const region = ownRegion ?? hostRegion ?? target.region;
  if (ownRegion === undefined && region !== undefined) {
    // Appended by hand: re-serializing through searchParams would re-encode the rest of the query.
    url.search = url.search === "" ? `?region=${region}` : `${url.search}&region=${region}`;
  }
  const host = region === undefined ? target.host : consoleHostOf(region);
  url.host = host;

  const href = url.href;
  // Defense in depth: whatever happened above, only an allowlisted console URL leaves this function.
  if (!isAllowedConsoleDestination(href) || new URL(href).host !== host) {
    return refuse("destination is not an allowed AWS console URL");
  }
  return { ok: true, url: href, region };
}

/** Query names AWS pages (and others) read as "where to go next". */
const REDIRECT_PARAM =
  /^(redirect|redirect_?ur[il]|return|return_?to|return_?ur[il]|next|continue|callback|callback_?ur[il]|goto|target|destination|dest|url|relaystate)$/i;

/**
 * The first part of a console URL that names somewhere to go next — a query parameter called like
 * a redirect, or any query value that is itself a URL (`https://…`, `//…`, percent-encoded too) —
 * in the query or in the fragment's own query (the console routes inside `#`); null when none.
 */
function redirectTargetIn(url: URL): string | null {
  const queries = [url.search, url.hash.includes("?") ? url.hash.slice(url.hash.indexOf("?")) : ""];
  for (const query of queries) {
    for (const [name, value] of new URLSearchParams(query)) {
      if (REDIRECT_PARAM.test(name)) return `parameter '${preview(name)}'`;
      if (/^(?:[a-z][a-z0-9+.-]*:|\/\/|\\)/i.test(value.trim()))
        return `parameter '${preview(name)}' holds a URL`;
    }
  }
  return null;
}

function refuse(message: string): { ok: false; message: string } {
  return { ok: false, message };
}

/** User input echoed in a message: bounded, printable. */
function preview(value: string): string {
  const printable = value.replace(/[^\x20-\x7e]/g, "?");
  return printable.length > 64 ? `${printable.slice(0, 61)}...` : printable;
}

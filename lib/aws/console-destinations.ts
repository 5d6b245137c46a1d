import { isAwsRegion, partitionOf, type AwsPartition } from "./partitions";
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

/** Longest destination accepted, as typed (deep links, forms, the CLI). */
export const MAX_DESTINATION_LENGTH = 2048;

export interface ConsoleService {
  /** Stable id used in deep links (`destination=ec2`). */
  id: string;
  name: string;
  /** Path below the console host, without the leading `/`; may carry a `#fragment`. */
  path: string;
  /**
   * A global service (IAM, Route 53, billing, …) has one view for all regions; the console homes it in
   * us-east-1 and redirects there itself. The URL still carries `?region=` so that the console's
   * region selector stays where the user was when they go on to a regional service.
   */
  global: boolean;
}

/**
 * Common console services with the paths AWS's own documentation links to. Paths that AWS redirects
 * (e.g. `vpc/home` → `vpcconsole/home`) are given in their current form to save a hop.
 */
export const CONSOLE_SERVICES: ReadonlyArray<ConsoleService> = Object.freeze(
  (
    [
      ["ec2", "EC2", "ec2/home", false],
      ["s3", "S3", "s3/home", false],
      ["iam", "IAM", "iam/home", true],
      ["cloudwatch", "CloudWatch", "cloudwatch/home", false],
      ["logs", "CloudWatch Logs", "cloudwatch/home#logsV2:log-groups", false],
      ["cloudtrail", "CloudTrail", "cloudtrail/home", false],
      ["lambda", "Lambda", "lambda/home", false],
      ["rds", "RDS", "rds/home", false],
      ["dynamodb", "DynamoDB", "dynamodbv2/home", false],
      ["ecs", "Elastic Container Service (ECS)", "ecs/home", false],
      ["ecr", "Elastic Container Registry (ECR)", "ecr/home", false],
      ["eks", "Elastic Kubernetes Service (EKS)", "eks/home", false],
      ["vpc", "VPC", "vpcconsole/home", false],
      ["route53", "Route 53", "route53/v2/home", true],
      ["cloudfront", "CloudFront", "cloudfront/v4/home", true],
      ["cloudformation", "CloudFormation", "cloudformation/home", false],
      ["billing", "Billing and Cost Management", "billing/home", true],
      ["cost-explorer", "Cost Explorer", "costmanagement/home#/cost-explorer", true],
      ["organizations", "Organizations", "organizations/v2/home", true],
      ["kms", "Key Management Service (KMS)", "kms/home", false],
      ["secretsmanager", "Secrets Manager", "secretsmanager/home", false],
      ["ssm", "Systems Manager", "systems-manager/home", false],
      ["sqs", "SQS", "sqs/home", false],
      ["sns", "SNS", "sns/home", false],
      ["apigateway", "API Gateway", "apigateway/home", false],
      ["stepfunctions", "Step Functions", "states/home", false],
      ["eventbridge", "EventBridge", "events/home", false],
      ["athena", "Athena", "athena/home", false],
      ["glue", "Glue", "glue/home", false],
      ["securityhub", "Security Hub", "securityhub/home", false],
      ["guardduty", "GuardDuty", "guardduty/home", false],
      ["config", "Config", "config/home", false],
      ["acm", "Certificate Manager (ACM)", "acm/home", false],
      ["cloudshell", "CloudShell", "cloudshell/home", false],
      ["support", "Support Center", "support/home", true],
    ] as const
  ).map(([id, name, path, global]) => Object.freeze({ id, name, path, global })),
);

const SERVICES_BY_ID: ReadonlyMap<string, ConsoleService> = new Map(
  CONSOLE_SERVICES.map((service) => [service.id, service]),
);

/**
 * Commercial console hosts that serve a single service (`s3.console.aws.amazon.com/s3/…`,
 * `support.console.aws.amazon.com/support/…`). URLs copied from them are accepted and rebuilt on the
 * regional host, which serves the same paths.
 */
const SERVICE_CONSOLE_SUBDOMAINS = new Set(["s3", "support"]);

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

/** The console host a region's console is served from. */
function consoleHostOf(region: string): string {
  const partition = partitionOf(region);
  return partition === "aws" ? `${region}.${CONSOLE_HOSTS.aws}` : CONSOLE_HOSTS[partition];
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

/** The region a regional console host (`eu-west-1.console.aws.amazon.com`) is for; else undefined. */
function regionOfConsoleHost(host: string): string | undefined {
  if (regionalConsoleHostPartition(host) === undefined) return undefined;
  return host.slice(0, host.indexOf("."));
}

/** The partition whose console `host` (lower case, no port) is, for input URLs; else undefined. */
function consoleHostPartition(host: string): AwsPartition | undefined {
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

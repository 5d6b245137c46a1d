import { MAX_DESTINATION_LENGTH } from "@/lib/aws/console-destinations";
import { isAwsRegion } from "@/lib/aws/partitions";
import { isListedRegion } from "@/lib/aws/regions";
import { DEEP_LINK_PARAMS, DEEP_LINK_PATH, type DeepLinkParam } from "./deep-link-path";

/**
 * Console deep links: a bookmarkable, shareable address that opens the AWS console in an account and
 * role, optionally in a region and at a destination:
 *
 *   /console?account=<12-digit id | account name>&role=<role name>&region=<region>&destination=<…>
 *
 * A link is only a request. Who may use the role is decided at issuance from the database (invariant 1),
 * and the destination is rebuilt on an AWS console host by `consoleDestination` there. Parsing is
 * strict anyway, so a mistyped or tampered link gets a precise answer instead of a surprise.
 *
 * Client-safe (no `server-only`, no `node:` imports): the account page builds links with it.
 */

const ACCOUNT_ID_PATTERN = /^[0-9]{12}$/;
const ACCOUNT_NAME_PATTERN = /^[A-Za-z0-9 ._-]{1,64}$/;
/** IAM role name (without path), as IAM's RoleName constraint. */
const ROLE_NAME_PATTERN = /^[\w+=,.@-]{1,64}$/;
/** C0 controls, DEL and C1 controls. Other characters are judged by `consoleDestination`. */
const CONTROL_CHARACTER = /[\x00-\x1f\x7f-\x9f]/;
/** More unknown parameters than this are summarized, not listed one by one. */
const MAX_LISTED_UNKNOWN = 10;

export type DeepLinkAccount = { kind: "id"; accountId: string } | { kind: "name"; name: string };

export interface DeepLink {
  account: DeepLinkAccount;
  role: string;
  region?: string;
  destination?: string;
}

export interface DeepLinkProblem {
  param: string;
  message: string;
}

export type DeepLinkParseResult =
  { ok: true; link: DeepLink } | { ok: false; problems: DeepLinkProblem[] };

/**
 * The deep link (path and query) for a role: parameters in the order account, role, region,
 * destination, each percent-encoded (`/` `:` `@` left readable; `+` `=` `&` `#` `?` and spaces encoded).
 * Empty `region`/`destination` are left out.
 * @throws RangeError naming every problem if the link would not parse back (a caller bug: validate
 * user-typed values with {@link parseDeepLink} first).
 */
export function buildDeepLink(o: {
  account: string;
  role: string;
  region?: string;
  destination?: string;
}): string {
  const values: Array<[DeepLinkParam, string]> = [
    ["account", o.account],
    ["role", o.role],
  ];
  if (o.region) values.push(["region", o.region]);
  if (o.destination) values.push(["destination", o.destination]);

  const parsed = parseDeepLink(Object.fromEntries(values));
  if (!parsed.ok) {
    throw new RangeError(
      `not a valid deep link: ${parsed.problems.map((p) => `${p.param}: ${p.message}`).join("; ")}`,
    );
  }
  const query = values.map(([name, value]) => `${name}=${encodeQueryValue(value)}`).join("&");
  return `${DEEP_LINK_PATH}?${query}`;
}

function encodeQueryValue(value: string): string {
  // encodeURIComponent leaves no `+` (which a form decoder reads as a space), `&`, `=` or `#`.
  return encodeURIComponent(value).replace(/%(?:2F|3A|40)/g, decodeURIComponent);
}

/**
 * Reads a deep link's query (`URLSearchParams`, or Next.js `searchParams`). Strict, and every problem is
 * reported at once: unknown or repeated parameters; `account` missing or neither 12 digits nor a name of
 * 1–64 characters `[A-Za-z0-9 ._-]` (surrounding spaces trimmed; a digits-only value must be a full
 * 12-digit id); `role` missing or not an IAM role name `[\w+=,.@-]{1,64}`; `region` not an AWS region
 * code, or shaped like one but naming no region (`eu-west-9`); `destination` longer than 2,048
 * characters or containing a control character. An empty `region` or `destination` counts as not
 * given, as an unselected form field would send it.
 */
export function parseDeepLink(
  params: URLSearchParams | Record<string, string | string[] | undefined>,
): DeepLinkParseResult {
  const entries = toEntries(params);
  const problems: DeepLinkProblem[] = [];

  const valuesOf = new Map<DeepLinkParam, string[]>();
  const unknown: string[] = [];
  for (const [name, value] of entries) {
    const known = DEEP_LINK_PARAMS.find((p) => p === name);
    if (known === undefined) {
      if (!unknown.includes(name)) unknown.push(name);
      continue;
    }
    valuesOf.set(known, [...(valuesOf.get(known) ?? []), value]);
  }

  /** Reads one parameter with `parse`, or reports it repeated (then it is not parsed at all). */
  const single = <T>(
    param: DeepLinkParam,
    parse: (raw: string | undefined, problems: DeepLinkProblem[]) => T | undefined,
  ): T | undefined => {
    const values = valuesOf.get(param) ?? [];
    if (values.length > 1) {
      problems.push({ param, message: `${param} is given ${values.length} times; give it once` });
      return undefined;
    }
    return parse(values[0], problems);
  };

  const account = single("account", parseAccount);
  const role = single("role", parseRole);
  const region = single("region", parseRegion);
  const destination = single("destination", parseDestination);

  for (const name of unknown.slice(0, MAX_LISTED_UNKNOWN)) {
    problems.push({
      param: preview(name),
      message: `unknown parameter '${preview(name)}'; a console link takes ${DEEP_LINK_PARAMS.join(", ")}`,
    });
  }
  if (unknown.length > MAX_LISTED_UNKNOWN) {
    problems.push({
      param: "(unknown)",
      message: `and ${unknown.length - MAX_LISTED_UNKNOWN} more unknown parameters`,
    });
  }

  if (problems.length > 0 || account === undefined || role === undefined) {
    return { ok: false, problems };
  }
  const link: DeepLink = { account, role };
  if (region !== undefined) link.region = region;
  if (destination !== undefined) link.destination = destination;
  return { ok: true, link };
}

function toEntries(
  params: URLSearchParams | Record<string, string | string[] | undefined>,
): Array<[string, string]> {
  if (params instanceof URLSearchParams) return [...params.entries()];
  const entries: Array<[string, string]> = [];
  for (const [name, value] of Object.entries(params)) {
    if (value === undefined) continue;
    for (const v of Array.isArray(value) ? value : [value]) entries.push([name, String(v)]);
  }
  return entries;
}

function parseAccount(
  raw: string | undefined,
  problems: DeepLinkProblem[],
): DeepLinkAccount | undefined {
  if (raw === undefined) {
    problems.push({ param: "account", message: "account is required (a 12-digit id or a name)" });
    return undefined;
  }
  const value = raw.trim();
  if (ACCOUNT_ID_PATTERN.test(value)) return { kind: "id", accountId: value };
  if (/^[0-9]+$/.test(value)) {
    problems.push({
      param: "account",
      message: `an account id has exactly 12 digits; this one has ${value.length}`,
    });
    return undefined;
  }
  if (!ACCOUNT_NAME_PATTERN.test(value)) {
    problems.push({
      param: "account",
      message:
        "account must be a 12-digit id or a name of 1 to 64 letters, digits, spaces, '.', '_' or '-'",
    });
    return undefined;
  }
  return { kind: "name", name: value };
}

function parseRole(raw: string | undefined, problems: DeepLinkProblem[]): string | undefined {
  if (raw === undefined) {
    problems.push({ param: "role", message: "role is required (an IAM role name)" });
    return undefined;
  }
  if (!ROLE_NAME_PATTERN.test(raw)) {
    problems.push({
      param: "role",
      message:
        "role must be an IAM role name: 1 to 64 letters, digits or + = , . @ _ - (no path, not an ARN)",
    });
    return undefined;
  }
  return raw;
}

function parseRegion(raw: string | undefined, problems: DeepLinkProblem[]): string | undefined {
  if (raw === undefined || raw === "") return undefined;
  if (!isAwsRegion(raw)) {
    problems.push({
      param: "region",
      message: "region must be an AWS region code like eu-west-1, us-gov-west-1 or cn-north-1",
    });
    return undefined;
  }
  if (!isListedRegion(raw)) {
    // Shaped like a region code, but no region has that name: the console has no host there.
    problems.push({
      param: "region",
      message: `there is no AWS region ${raw}; use a region code like eu-west-1, us-gov-west-1 or cn-north-1`,
    });
    return undefined;
  }
  return raw;
}

function parseDestination(
  raw: string | undefined,
  problems: DeepLinkProblem[],
): string | undefined {
  if (raw === undefined || raw === "") return undefined;
  if (raw.length > MAX_DESTINATION_LENGTH) {
    problems.push({
      param: "destination",
      message: `destination is longer than ${MAX_DESTINATION_LENGTH} characters`,
    });
    return undefined;
  }
  if (CONTROL_CHARACTER.test(raw)) {
    problems.push({ param: "destination", message: "destination contains a control character" });
    return undefined;
  }
  return raw;
}

/** A parameter name echoed back: bounded and printable. */
function preview(value: string): string {
  const printable = value.replace(/[^\x20-\x7e]/g, "?");
  return printable.length > 40 ? `${printable.slice(0, 37)}...` : printable;
}

import { type ParseArgsConfig, parseArgs } from "node:util";

import { AWS_REGION_HINT, AWS_REGION_PATTERN } from "../../lib/aws/partitions";
import { UsageError } from "./exit-codes";

/**
 * Command lines are read with node:util `parseArgs` in strict mode: an unknown option, a missing
 * value or a stray argument is a usage error (exit 2) that names the problem and shows the usage.
 */

export type OptionSpec = NonNullable<ParseArgsConfig["options"]>;

export interface CommandSpec {
  name: string;
  /** `gatehouse <name> --help`: the first line is the synopsis. */
  usage: string;
  options: OptionSpec;
  /** How many positionals the command takes. */
  positionals: { min: number; max: number };
  /** `exec`: everything after `--` is the command to run, not parsed. */
  passThrough?: boolean;
}

/** Accepted by every command (docs/CLI.md "Choosing the portal"). */
export const GLOBAL_OPTIONS: OptionSpec = {
  portal: { type: "string" },
  help: { type: "boolean", short: "h" },
};

export interface ParsedCommand {
  values: Record<string, string | boolean | undefined>;
  positionals: string[];
  /** After `--` (only for `passThrough` commands). */
  rest: string[];
  help: boolean;
  /** `--version` anywhere before `--`: print the version, run nothing. */
  version: boolean;
}

/**
 * @param globals options given before the command name (`gatehouse --portal <url> ls`); the
 *   command's own option of the same name wins.
 * @throws UsageError
 */
export function parseCommand(
  spec: CommandSpec,
  argv: readonly string[],
  globals: { portal?: string | undefined } = {},
): ParsedCommand {
  let args = [...argv];
  let rest: string[] = [];
  if (spec.passThrough) {
    const separator = args.indexOf("--");
    if (separator !== -1) {
      rest = args.slice(separator + 1);
      args = args.slice(0, separator);
    }
  }
  if (args.some((arg) => arg === "--help" || arg === "-h")) {
    return { values: {}, positionals: [], rest: [], help: true, version: false };
  }
  if (args.includes("--version")) {
    return { values: {}, positionals: [], rest: [], help: false, version: true };
  }
  let parsed: { values: Record<string, unknown>; positionals: string[] };
  try {
    parsed = parseArgs({
      args,
      options: { ...GLOBAL_OPTIONS, ...spec.options },
      allowPositionals: true,
      strict: true,
    });
  } catch (err) {
    throw new UsageError(cleanParseError(err), spec.usage);
  }
  const { positionals } = parsed;
  if (positionals.length < spec.positionals.min) {
    throw new UsageError(`${spec.name}: missing argument`, spec.usage);
  }
  if (positionals.length > spec.positionals.max) {
    throw new UsageError(
      `${spec.name}: unexpected argument ${JSON.stringify(positionals[spec.positionals.max])}`,
      spec.usage,
    );
  }
  const values = parsed.values as ParsedCommand["values"];
  if (values.portal === undefined && globals.portal !== undefined) values.portal = globals.portal;
  return { values, positionals, rest, help: false, version: false };
}

function cleanParseError(err: unknown): string {
  const message = err instanceof Error ? err.message : String(err);
  // parseArgs appends advice about `--` meant for its own users; ours are told by the usage.
  return message.replace(/\. To specify a positional argument.*$/s, "").replace(/\s+$/, "");
}

/** Reads an optional string option. */
export function stringOption(parsed: ParsedCommand, name: string): string | undefined {
  const value = parsed.values[name];
  return typeof value === "string" ? value : undefined;
}

/**
 * `<account>/<role>`: the account's 12-digit id, name or alias (a name may contain spaces), a
 * slash, then the role name (docs/API.md "Resource endpoints"). IAM role names have no `/`, so
 * exactly one slash keeps the split unambiguous.
 */
export const ROLE_REFERENCE_PATTERN = /^(?!\s)[^/\p{Cc}]+(?<!\s)\/(?!\s)[^/\p{Cc}]+(?<!\s)$/u;

/** A role id as the portal makes them (docs/API.md "Resource endpoints"): what `ls --json` shows. */
export const ROLE_ID_PATTERN = /^[a-z0-9]{20,32}$/;

/** `<account>/<role>` or a role id; anything else is a usage error. */
export function roleReference(raw: string | undefined, usage: string): string {
  if (
    raw === undefined ||
    raw.length > 256 ||
    !(ROLE_REFERENCE_PATTERN.test(raw) || ROLE_ID_PATTERN.test(raw))
  ) {
    throw new UsageError(
      `expected <account>/<role> (an account id, name or alias, a slash, a role name) or a role id, got ${JSON.stringify(raw ?? "")}`,
      usage,
    );
  }
  return raw;
}

/** `--duration`: whole seconds, 900 to 43200 (the STS bounds; the portal applies its own caps). */
export function durationOption(parsed: ParsedCommand, usage: string): number | undefined {
  const raw = stringOption(parsed, "duration");
  if (raw === undefined) return undefined;
  const seconds = parseDuration(raw);
  if (seconds === undefined || seconds < 900 || seconds > 43_200) {
    throw new UsageError(
      `--duration must be 900 to 43200 seconds (or 15m … 12h), got ${JSON.stringify(raw)}`,
      usage,
    );
  }
  return seconds;
}

/** `3600`, `3600s`, `60m`, `1h`, `1h30m` → seconds; anything else → undefined. */
export function parseDuration(raw: string): number | undefined {
  if (/^\d{1,6}s?$/.test(raw)) return Number.parseInt(raw, 10);
  const match = /^(?:(\d{1,2})h)?(?:(\d{1,4})m)?$/.exec(raw);
  if (!match || (match[1] === undefined && match[2] === undefined)) return undefined;
  return Number(match[1] ?? 0) * 3600 + Number(match[2] ?? 0) * 60;
}

/** `--region`: an AWS region code of a partition the portal knows (docs/AWS.md). */
export function regionOption(parsed: ParsedCommand, usage: string): string | undefined {
  const raw = stringOption(parsed, "region");
  if (raw === undefined) return undefined;
  if (!AWS_REGION_PATTERN.test(raw)) {
    throw new UsageError(`--region ${AWS_REGION_HINT}, got ${JSON.stringify(raw)}`, usage);
  }
  return raw;
}

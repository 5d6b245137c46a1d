import "server-only";

import { checkProfileName } from "./profile-name";
import { AWS_REGION_PATTERN } from "./partitions";

export { checkProfileName, profileNameFor, PROFILE_NAME_PATTERN } from "./profile-name";

/**
 * Temporary credentials rendered for the user's shell or AWS config (README.md "CLI credentials").
 *
 * Every output is something a person pastes into a terminal, so every value is validated before any
 * text is produced and quoted for the target syntax; a value that cannot be carried safely makes the
 * whole call throw rather than emit a line that could run something else. Error messages name the
 * field, never the value (invariant 3: secrets stay secret).
 */

export interface TemporaryCredentials {
  accessKeyId: string;
  secretAccessKey: string;
  sessionToken: string;
  expiration: Date;
}

export type CredentialFormat =
  "bash" | "fish" | "powershell" | "cmd" | "credentials-file" | "credential-process";

export const CREDENTIAL_FORMATS: readonly CredentialFormat[] = Object.freeze([
  "bash",
  "fish",
  "powershell",
  "cmd",
  "credentials-file",
  "credential-process",
]);

export type CredentialField =
  "accessKeyId" | "secretAccessKey" | "sessionToken" | "expiration" | "region" | "profileName";

/** A credential, region or profile name that cannot be rendered safely. Carries no value. */
export class UnsafeCredentialValueError extends Error {
  override readonly name = "UnsafeCredentialValueError";

  constructor(
    readonly field: CredentialField,
    /** Set when the value is fine in general but cannot be carried by this one format. */
    readonly format?: CredentialFormat,
  ) {
    super(
      format === undefined
        ? `${field} is not a valid value`
        : `${field} contains characters that cannot be carried safely in ${format} output`,
    );
  }
}

const ACCESS_KEY_ID_PATTERN = /^(ASIA|AKIA)[A-Z0-9]{16}$/;
/**
 * Secrets and tokens: visible ASCII only. AWS issues base64 ([A-Za-z0-9+/=]); this is looser so a
 * stand-in may differ, but excludes controls, newlines, spaces and all non-ASCII (PowerShell treats the
 * typographic quotes U+2018..U+201B as quote characters; bidi controls hide text in a terminal).
 */
const OPAQUE_VALUE_PATTERN = /^[\x21-\x7e]+$/;
/**
 * What `set "NAME=value"` carries literally in an interactive cmd.exe: `%` expands even inside quotes,
 * `!` does with delayed expansion, `"` ends the quoting, and `^ & | < >` become live if it does.
 */
const CMD_SAFE_PATTERN = /^[A-Za-z0-9+/=._:-]+$/;

/** POSIX sh / bash / zsh single-quoted word: `'` becomes `'\''`; nothing else is special. */
export function quotePosix(value: string): string {
  return `'${value.replaceAll("'", `'\\''`)}'`;
}

/** fish single-quoted word: only `\` and `'` are special, each escaped with a backslash. */
export function quoteFish(value: string): string {
  return `'${value.replace(/[\\']/g, "\\$&")}'`;
}

/**
 * PowerShell verbatim (single-quoted) string: a quote is doubled. PowerShell also accepts the
 * typographic single quotes U+2018..U+201B as delimiters, so those are doubled too.
 */
export function quotePowerShell(value: string): string {
  return `'${value.replace(/['\u2018\u2019\u201a\u201b]/g, "$&$&")}'`;
}

/**
 * A cmd.exe `set "NAME=value"` line. cmd has no quoting that is safe for every character in an
 * interactive paste, so values outside {@link CMD_SAFE_PATTERN} are refused.
 * @throws UnsafeCredentialValueError
 */
export function cmdSetLine(name: string, value: string, field: CredentialField): string {
  if (!CMD_SAFE_PATTERN.test(value)) throw new UnsafeCredentialValueError(field, "cmd");
  return `set "${name}=${value}"`;
}

/** Variables a shell snippet unsets before it sets the credentials (see formatCredentials). */
export const COMPETING_VARIABLES = [
  "AWS_PROFILE",
  "AWS_DEFAULT_PROFILE",
  "AWS_SECURITY_TOKEN",
] as const;

/** RFC 3339 UTC with whole seconds, as STS itself writes it (`2026-11-26T12:39:10Z`). */
export function formatExpiration(expiration: Date): string {
  // Dropping milliseconds rounds down: the advertised expiry is never later than the real one.
  return expiration.toISOString().replace(/\.\d{3}Z$/, "Z");
}

/**
 * Renders `creds` in every supported format.
 *
 * Checks, before producing any output: accessKeyId is `ASIA`/`AKIA` + 16 upper-case alphanumerics;
 * secretAccessKey and sessionToken are non-empty visible ASCII; expiration is a valid Date; region, when
 * given, matches {@link AWS_REGION_PATTERN}; profileName passes {@link checkProfileName}; and every
 * value is carriable by cmd.exe (AWS's own values always are: base64 and RFC 3339).
 *
 * @throws UnsafeCredentialValueError naming the offending field (never its value).
 */
export function formatCredentials(
  creds: TemporaryCredentials,
  opts: { region?: string; profileName: string },
): Record<CredentialFormat, string> {
  if (!ACCESS_KEY_ID_PATTERN.test(creds.accessKeyId)) {
    throw new UnsafeCredentialValueError("accessKeyId");
  }
  if (!OPAQUE_VALUE_PATTERN.test(creds.secretAccessKey)) {
    throw new UnsafeCredentialValueError("secretAccessKey");
  }
  if (!OPAQUE_VALUE_PATTERN.test(creds.sessionToken)) {
    throw new UnsafeCredentialValueError("sessionToken");
  }
  if (!(creds.expiration instanceof Date) || Number.isNaN(creds.expiration.getTime())) {
    throw new UnsafeCredentialValueError("expiration");
  }
  if (opts.region !== undefined && !AWS_REGION_PATTERN.test(opts.region)) {
    throw new UnsafeCredentialValueError("region");
  }
  if (!checkProfileName(opts.profileName).ok) {
    throw new UnsafeCredentialValueError("profileName");
  }

  const expiration = formatExpiration(creds.expiration);
  const variables: Array<[name: string, value: string, field: CredentialField]> = [
    ["AWS_ACCESS_KEY_ID", creds.accessKeyId, "accessKeyId"],
    ["AWS_SECRET_ACCESS_KEY", creds.secretAccessKey, "secretAccessKey"],
    ["AWS_SESSION_TOKEN", creds.sessionToken, "sessionToken"],
    ["AWS_CREDENTIAL_EXPIRATION", expiration, "expiration"],
  ];
  if (opts.region !== undefined) {
    // Both: the SDKs read AWS_REGION, AWS CLI v1 and older tools only AWS_DEFAULT_REGION, and CLI v2
    // prefers AWS_REGION. Setting one alone would let a stale value of the other from the user's
    // shell profile send some tools to a different region than the one chosen.
    variables.push(
      ["AWS_REGION", opts.region, "region"],
      ["AWS_DEFAULT_REGION", opts.region, "region"],
    );
  }

  // No comment lines in shell output: interactive zsh treats `#` as a command unless
  // INTERACTIVE_COMMENTS is set, and cmd's `rem` is noise.
  // Each shell snippet first unsets what would compete with these variables: AWS_PROFILE (the
  // JavaScript SDK, and tools built on it, takes a profile named there over the variables set here,
  // and would act as someone else), AWS_DEFAULT_PROFILE (the AWS CLI fails on a stale one that
  // names no profile) and AWS_SECURITY_TOKEN (boto2's name for the session token).
  const lines = (
    unsetProfile: string,
    render: (name: string, value: string, field: CredentialField) => string,
  ) =>
    [unsetProfile, ...variables.map(([name, value, field]) => render(name, value, field))].join(
      "\n",
    ) + "\n";

  return {
    bash: lines(
      `unset ${COMPETING_VARIABLES.join(" ")}`,
      (name, value) => `export ${name}=${quotePosix(value)}`,
    ),
    fish: lines(fishUnsetLines(), (name, value) => `set -gx ${name} ${quoteFish(value)}`),
    powershell: lines(
      `Remove-Item ${COMPETING_VARIABLES.map((name) => `Env:${name}`).join(", ")} -ErrorAction SilentlyContinue`,
      (name, value) => `$Env:${name} = ${quotePowerShell(value)}`,
    ),
    cmd: lines(COMPETING_VARIABLES.map((name) => `set "${name}="`).join("\n"), cmdSetLine),
    "credentials-file": credentialsFileSnippet(creds, expiration, opts.profileName, opts.region),
    "credential-process": JSON.stringify({
      Version: 1,
      AccessKeyId: creds.accessKeyId,
      SecretAccessKey: creds.secretAccessKey,
      SessionToken: creds.sessionToken,
      Expiration: expiration,
    }),
  };
}

/**
 * fish's unset lines. Only the session's (global) variables are erased: `set -e` with no scope would
 * erase a universal variable (`set -Ux`), which lives in a file every fish session of the user shares
 * live, so one paste would change every open terminal and every later one. fish has no way to hide
 * an exported universal variable from this session alone, so one that is set is named instead, with
 * the command that erases it. The loop sits in `begin … end` so its variable does not stay behind, and
 * ends the snippet with status 0 (`set` keeps the status before it, and `set -e` of an unset name is 4).
 */
function fishUnsetLines(): string {
  const names = COMPETING_VARIABLES.join(" ");
  const warning = `"$name is a universal variable, left set for all your fish sessions: tools may use it instead of these credentials (to erase it everywhere: set -eU $name)"`;
  return [
    `set -e -g ${names}`,
    `begin; for name in ${names}; if set -qU $name; echo ${warning} >&2; end; end; end`,
  ].join("\n");
}

/**
 * An `~/.aws/credentials` profile with the three credential keys and, when chosen, `region`. The AWS CLI,
 * boto3 (botocore) and the JavaScript SDK merge the credentials file into the profile, so `region` here
 * takes effect for them; SDKs that read `region` only from `~/.aws/config` (e.g. Go) fall back to their
 * own default, as they would without it. No `Expiration` key: no SDK reads one from this file, so the
 * expiry is stated in a comment for the person pasting it.
 */
function credentialsFileSnippet(
  creds: TemporaryCredentials,
  expiration: string,
  profileName: string,
  region: string | undefined,
): string {
  const lines = [
    `# Temporary credentials from Gatehouse, valid until ${expiration}`,
    `[${profileName}]`,
    `aws_access_key_id = ${creds.accessKeyId}`,
    `aws_secret_access_key = ${creds.secretAccessKey}`,
    `aws_session_token = ${creds.sessionToken}`,
  ];
  if (region !== undefined) lines.push(`region = ${region}`);
  return lines.join("\n") + "\n";
}

import { spawn } from "node:child_process";
import { constants } from "node:os";

import { formatExpiration } from "../../../lib/aws/credential-formats";
import type { IssuedCredentials } from "../api-types";
import type { Environment } from "../cli-env";
import {
  type CommandSpec,
  type ParsedCommand,
  durationOption,
  regionOption,
  roleReference,
  stringOption,
} from "../args";
import { type CliContext, resolvePortalUrl } from "../context";
import { getCredentials } from "../credentials";
import { CliError, EXIT, UsageError } from "../exit-codes";

export const spec: CommandSpec = {
  name: "exec",
  usage: `Usage: gatehouse exec <account>/<role> [--duration <s>] [--region <region>] -- <command> [args…]

Runs <command> with the role's credentials in AWS_ACCESS_KEY_ID, AWS_SECRET_ACCESS_KEY,
AWS_SESSION_TOKEN, AWS_CREDENTIAL_EXPIRATION, AWS_REGION and AWS_DEFAULT_REGION, and the role
in GATEHOUSE_SESSION (AWS_PROFILE, AWS_DEFAULT_PROFILE and other competing AWS_* variables are
unset). Refuses to run inside another session (GATEHOUSE_SESSION or AWS_VAULT set; exit 2). Exits with the command's exit code (128+n when a signal n ended it; 126 when it cannot
be run, 127 when it does not exist). SIGINT and SIGTERM
sent to gatehouse are passed on to the command (Ctrl-C in a terminal reaches it directly, once).

  --duration <s>       session length in seconds (900-43200, or 1h, 90m)
  --region <region>    the region; default: the portal's`,
  options: {
    duration: { type: "string" },
    region: { type: "string" },
  },
  positionals: { min: 1, max: 1 },
  passThrough: true,
};

/** Set in the command's environment to the role, so a nested `exec` can tell (and prompts show it). */
export const SESSION_VARIABLE = "GATEHOUSE_SESSION";

/**
 * Variables from the caller's shell that would compete with the role's credentials: a profile
 * (the JavaScript SDK prefers AWS_PROFILE over the keys; botocore fails on a profile that does
 * not exist, AWS_DEFAULT_PROFILE included), boto2's name for the session token, and other
 * credential sources, among them an outer `gatehouse serve`'s secret token.
 */
export const STALE_AWS_VARIABLES = [
  "AWS_PROFILE",
  "AWS_DEFAULT_PROFILE",
  "AWS_SECURITY_TOKEN",
  "AWS_SESSION_EXPIRATION",
  "AWS_CONTAINER_CREDENTIALS_FULL_URI",
  "AWS_CONTAINER_CREDENTIALS_RELATIVE_URI",
  "AWS_CONTAINER_AUTHORIZATION_TOKEN",
  "AWS_CONTAINER_AUTHORIZATION_TOKEN_FILE",
  "AWS_WEB_IDENTITY_TOKEN_FILE",
  "AWS_ROLE_ARN",
  "AWS_ROLE_SESSION_NAME",
] as const;

/**
 * Refuses to run inside another credential session (ours or aws-vault's): the inner command would
 * silently act as another role than the shell it came from shows, and the outer session's
 * variables are what made the user think they were someone.
 */
export function refuseNesting(base: Environment): void {
  for (const name of [SESSION_VARIABLE, "AWS_VAULT"]) {
    const value = base[name];
    if (value !== undefined && value !== "") {
      throw new CliError(
        `exec: already in a credential session for ${JSON.stringify(value)} (${name} is set); leave it first, or unset ${name} to nest anyway`,
        EXIT.usage,
      );
    }
  }
}

/** The command's environment: the caller's, with the role's credentials and no stale AWS_*. */
export function commandEnvironment(
  base: Environment,
  creds: IssuedCredentials,
  role: string,
): Record<string, string | undefined> {
  const env: Record<string, string | undefined> = { ...base };
  for (const name of STALE_AWS_VARIABLES) delete env[name];
  env[SESSION_VARIABLE] = role;
  env.AWS_ACCESS_KEY_ID = creds.accessKeyId;
  env.AWS_SECRET_ACCESS_KEY = creds.secretAccessKey;
  env.AWS_SESSION_TOKEN = creds.sessionToken;
  env.AWS_REGION = creds.region;
  env.AWS_DEFAULT_REGION = creds.region;
  env.AWS_CREDENTIAL_EXPIRATION = formatExpiration(new Date(creds.expiration));
  return env;
}

/** The shell convention: a command ended by signal n exits 128+n. */
export function exitCodeOf(code: number | null, signal: NodeJS.Signals | null): number {
  if (code !== null) return code;
  const number = signal ? constants.signals[signal] : undefined;
  return number === undefined ? EXIT.unexpected : 128 + number;
}

export async function run(parsed: ParsedCommand, ctx: CliContext): Promise<number> {
  const role = roleReference(parsed.positionals[0], spec.usage);
  const [command, ...args] = parsed.rest;
  if (command === undefined)
    throw new UsageError("exec: which command? Put it after --", spec.usage);
  const durationSeconds = durationOption(parsed, spec.usage);
  const region = regionOption(parsed, spec.usage);
  refuseNesting(ctx.env.variables);
  const portalUrl = resolvePortalUrl(ctx, stringOption(parsed, "portal"));
  const creds = await getCredentials(ctx, portalUrl, { role, durationSeconds, region });

  const child = spawn(command, args, {
    stdio: "inherit",
    env: commandEnvironment(ctx.env.variables, creds, role) as NodeJS.ProcessEnv,
  });
  const forward = (signal: NodeJS.Signals) => () => {
    child.kill(signal);
  };
  // Ctrl-C in a terminal already reaches the command (it shares our process group); sending it a
  // second SIGINT would read as "interrupt twice", which e.g. Terraform takes as "abort now". So
  // SIGINT is passed on only when it cannot have come from a terminal (docs/CLI.md "exec").
  const interactive = process.stdin.isTTY === true;
  const onInt = interactive ? () => undefined : forward("SIGINT");
  const onTerm = forward("SIGTERM");
  process.on("SIGINT", onInt);
  process.on("SIGTERM", onTerm);
  try {
    return await new Promise<number>((resolve, reject) => {
      child.once("error", (err: NodeJS.ErrnoException) => {
        reject(
          err.code === "ENOENT"
            ? new CliError(`exec: command not found: ${command}`, EXIT.commandNotFound)
            : err.code === "EACCES"
              ? new CliError(
                  `exec: cannot run ${command}: permission denied`,
                  EXIT.commandNotExecutable,
                )
              : new CliError(`exec: cannot run ${command}: ${err.message}`, EXIT.unexpected),
        );
      });
      child.once("exit", (code, signal) => resolve(exitCodeOf(code, signal)));
    });
  } finally {
    process.off("SIGINT", onInt);
    process.off("SIGTERM", onTerm);
  }
}

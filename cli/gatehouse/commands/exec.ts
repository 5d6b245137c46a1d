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
AWS_SESSION_TOKEN, AWS_CREDENTIAL_EXPIRATION, AWS_REGION and AWS_DEFAULT_REGION (AWS_PROFILE is
unset). Exits with the command's exit code (128+n when a signal n ended it; 126 when it cannot
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

/** The command's environment: the caller's, with the role's credentials and no AWS_PROFILE. */
export function commandEnvironment(
  base: Environment,
  creds: IssuedCredentials,
): Record<string, string | undefined> {
  const env: Record<string, string | undefined> = { ...base };
  // A profile would make tools that prefer it over the environment (or that mix the two) act as
  // someone else.
  delete env.AWS_PROFILE;
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
  const portalUrl = resolvePortalUrl(ctx, stringOption(parsed, "portal"));
  const creds = await getCredentials(ctx, portalUrl, { role, durationSeconds, region });

  const child = spawn(command, args, {
    stdio: "inherit",
    env: commandEnvironment(ctx.env.variables, creds) as NodeJS.ProcessEnv,
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

import { type CommandSpec, type ParsedCommand, parseCommand } from "./args";
import { type CliEnv, readCliEnv } from "./cli-env";
import type { CliContext } from "./context";
import { CliError, EXIT, EXIT_CODE_HELP, UsageError, formatFailure } from "./exit-codes";
import { fetchFor } from "./proxy-fetch";
import { CLI_VERSION } from "./version";

/**
 * `gatehouse <command>`: finds the command and loads only its module. Each command imports what it
 * needs when it runs, so `gatehouse creds` on a cache hit loads a few small modules and no SDK
 * (docs/CLI.md "How the cache works").
 */

export interface CommandModule {
  spec: CommandSpec;
  run(parsed: ParsedCommand, ctx: CliContext): Promise<number>;
}

export const COMMANDS: Record<string, { summary: string; load: () => Promise<CommandModule> }> = {
  login: {
    summary: "sign in through the browser (device code)",
    load: () => import("./commands/login"),
  },
  logout: {
    summary: "revoke the saved sign-in and forget cached credentials",
    load: () => import("./commands/logout"),
  },
  status: {
    summary: "show the portal, who is signed in and until when",
    load: () => import("./commands/status"),
  },
  ls: { summary: "list the roles you may use", load: () => import("./commands/ls") },
  creds: {
    summary: "print credential_process JSON for a role (cached)",
    load: () => import("./commands/creds"),
  },
  env: { summary: "print shell export lines for a role", load: () => import("./commands/env") },
  exec: {
    summary: "run a command with a role's credentials",
    load: () => import("./commands/exec"),
  },
  console: { summary: "open the AWS console as a role", load: () => import("./commands/console") },
  "setup-profiles": {
    summary: "write AWS config profiles for your roles",
    load: () => import("./commands/setup-profiles"),
  },
  whoami: {
    summary: "ask AWS who the current credentials are",
    load: () => import("./commands/whoami"),
  },
  serve: {
    summary: "serve credentials to the AWS SDKs' container provider",
    load: () => import("./commands/serve"),
  },
};

export const MAIN_USAGE = `Usage: gatehouse [--portal <url>] <command> [options]

Short-lived AWS credentials from a Gatehouse portal.

Commands:
${Object.entries(COMMANDS)
  .map(([name, { summary }]) => `  ${name.padEnd(16)}${summary}`)
  .join("\n")}

Options for every command:
  --portal <url>  the portal (else $GATEHOUSE_URL, else the one you logged in to)
  -h, --help      help for gatehouse or for a command
  --version       print the version

Environment: GATEHOUSE_URL, GATEHOUSE_HOME (default ~/.gatehouse), GATEHOUSE_NO_BROWSER=1,
AWS_CONFIG_FILE, HTTPS_PROXY / HTTP_PROXY / NO_PROXY. See docs/CLI.md.

${EXIT_CODE_HELP}
`;

/**
 * Runs one command line and returns its exit code. A `--portal` before the command is an option of
 * that command (docs/CLI.md "Choosing the portal"): it is handed to the command's parser as a
 * default, never appended to the arguments, where it would land after exec's `--`. A `--portal`
 * after the command wins over one before it.
 */
export async function runCli(argv: readonly string[], ctx: CliContext): Promise<number> {
  let leadingPortal: string | undefined;
  let index = 0;
  for (; index < argv.length; index += 1) {
    const arg = argv[index] as string;
    if (arg === "--portal") {
      const value = argv[index + 1];
      if (value === undefined || value.startsWith("-")) {
        return report(ctx, new UsageError("--portal needs a value: --portal <url>", MAIN_USAGE));
      }
      leadingPortal = value;
      index += 1;
    } else if (arg.startsWith("--portal=")) {
      leadingPortal = arg.slice("--portal=".length);
    } else if (arg.startsWith("-")) {
      if (arg === "--version" || arg === "-v") {
        ctx.out(`gatehouse ${CLI_VERSION}\n`);
        return EXIT.ok;
      }
      if (arg === "--help" || arg === "-h") {
        ctx.out(MAIN_USAGE);
        return EXIT.ok;
      }
      return report(ctx, new UsageError(`unknown option ${JSON.stringify(arg)}`, MAIN_USAGE));
    } else {
      break;
    }
  }
  const name = argv[index];
  if (name === undefined) return report(ctx, new UsageError("which command?", MAIN_USAGE));
  if (name === "help") {
    const topic = argv[index + 1];
    if (topic === undefined) {
      ctx.out(MAIN_USAGE);
      return EXIT.ok;
    }
    if (!Object.hasOwn(COMMANDS, topic)) {
      return report(ctx, new UsageError(`unknown command ${JSON.stringify(topic)}`, MAIN_USAGE));
    }
    return runCli([topic, "--help"], ctx);
  }
  if (!Object.hasOwn(COMMANDS, name)) {
    return report(ctx, new UsageError(`unknown command ${JSON.stringify(name)}`, MAIN_USAGE));
  }
  const command = await (COMMANDS[name] as (typeof COMMANDS)[string]).load();
  try {
    const parsed = parseCommand(command.spec, argv.slice(index + 1), { portal: leadingPortal });
    if (parsed.help) {
      ctx.out(`${command.spec.usage}\n`);
      return EXIT.ok;
    }
    if (parsed.version) {
      ctx.out(`gatehouse ${CLI_VERSION}\n`);
      return EXIT.ok;
    }
    return await command.run(parsed, ctx);
  } catch (err) {
    return report(ctx, err);
  }
}

/** Prints a failure as `gatehouse: <message> (request id <id>)` and returns its exit code. */
export function report(ctx: CliContext, err: unknown): number {
  if (err instanceof CliError) {
    ctx.err(formatFailure(err));
    if (err instanceof UsageError && err.usage) ctx.err(`\n${firstParagraph(err.usage)}\n`);
    return err.exitCode;
  }
  // Only the message: a cause or a stack could carry a response body with a secret in it.
  const message = err instanceof Error ? err.message : String(err);
  ctx.err(`gatehouse: unexpected error: ${message}\n`);
  return EXIT.unexpected;
}

function firstParagraph(usage: string): string {
  return `${usage.split("\n\n")[0]}\n(see --help)`;
}

export function processContext(entryFile: string, env: CliEnv = readCliEnv()): CliContext {
  return {
    program: [process.execPath, entryFile],
    env,
    out: (text) => void process.stdout.write(text),
    err: (text) => void process.stderr.write(text),
    now: () => new Date(),
    fetch: fetchFor(env),
  };
}

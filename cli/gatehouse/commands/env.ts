import { type CredentialFormat, formatCredentials } from "../../../lib/aws/credential-formats";
import {
  type CommandSpec,
  type ParsedCommand,
  durationOption,
  regionOption,
  roleReference,
  stringOption,
} from "../args";
import type { CliEnv } from "../cli-env";
import { type CliContext, resolvePortalUrl } from "../context";
import { getCredentials, toTemporaryCredentials } from "../credentials";
import { EXIT, UsageError } from "../exit-codes";

const SHELLS: Record<string, CredentialFormat> = {
  bash: "bash",
  zsh: "bash",
  sh: "bash",
  fish: "fish",
  powershell: "powershell",
  pwsh: "powershell",
  cmd: "cmd",
};

export const spec: CommandSpec = {
  name: "env",
  usage: `Usage: gatehouse env <account>/<role> [--shell bash|zsh|fish|powershell|cmd] [--duration <s>] [--region <region>]

Prints lines that set AWS_ACCESS_KEY_ID, AWS_SECRET_ACCESS_KEY, AWS_SESSION_TOKEN,
AWS_CREDENTIAL_EXPIRATION, AWS_REGION and AWS_DEFAULT_REGION in your shell, e.g.
  eval "$(gatehouse env acme-staging/Developer)"            (bash, zsh)
  gatehouse env acme-staging/Developer --shell fish | source
  gatehouse env acme-staging/Developer --shell powershell | Invoke-Expression

  --shell <shell>      the syntax; default: from $SHELL (bash on anything unknown)
  --duration <s>       session length in seconds (900-43200, or 1h, 90m)
  --region <region>    the region; default: the portal's`,
  options: {
    shell: { type: "string" },
    duration: { type: "string" },
    region: { type: "string" },
  },
  positionals: { min: 1, max: 1 },
};

/** The output syntax: `--shell`, else the basename of $SHELL, else bash (PowerShell on Windows). */
export function shellFormat(
  flag: string | undefined,
  env: Pick<CliEnv, "shell" | "platform">,
): CredentialFormat {
  if (flag !== undefined) {
    const format = SHELLS[flag];
    if (!format || flag === "sh") {
      throw new UsageError(
        `--shell must be bash, zsh, fish, powershell or cmd, got ${JSON.stringify(flag)}`,
        spec.usage,
      );
    }
    return format;
  }
  if (env.shell === undefined) return env.platform === "win32" ? "powershell" : "bash";
  const name =
    env.shell
      .split(/[/\\]/)
      .pop()
      ?.replace(/\.exe$/i, "")
      .toLowerCase() ?? "";
  return SHELLS[name] ?? "bash";
}

export async function run(parsed: ParsedCommand, ctx: CliContext): Promise<number> {
  const role = roleReference(parsed.positionals[0], spec.usage);
  const format = shellFormat(stringOption(parsed, "shell"), ctx.env);
  const durationSeconds = durationOption(parsed, spec.usage);
  const region = regionOption(parsed, spec.usage);
  const portalUrl = resolvePortalUrl(ctx, stringOption(parsed, "portal"));
  const creds = await getCredentials(ctx, portalUrl, { role, durationSeconds, region });
  const rendered = formatCredentials(toTemporaryCredentials(creds), {
    region: creds.region,
    profileName: "gatehouse",
  });
  ctx.out(rendered[format]);
  return EXIT.ok;
}

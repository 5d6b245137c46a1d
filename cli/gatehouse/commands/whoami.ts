import { type CommandSpec, type ParsedCommand, stringOption } from "../args";
import type { CliContext } from "../context";
import { CliError, EXIT, UsageError } from "../exit-codes";
import { printable } from "../portal-client";
import { needsOwnFetch } from "../proxy-fetch";
import { requireKnownProfile } from "../profile-suggestions";

export const spec: CommandSpec = {
  name: "whoami",
  usage: `Usage: gatehouse whoami [--profile <profile>] [--json]

Asks AWS (STS GetCallerIdentity) who the current credentials belong to, using the AWS SDK for
JavaScript's search: --profile, else AWS_PROFILE when set (the SDK then ignores credentials in the
environment), else the environment (gatehouse exec / env), else the default profile. Prints
Account, Arn and UserId.

  --profile <profile>  use this profile of ~/.aws/config (e.g. one setup-profiles wrote); one
                       neither ~/.aws/config nor ~/.aws/credentials has: exit 2, close names shown
  --json               print {"Account", "Arn", "UserId"}`,
  options: {
    profile: { type: "string" },
    json: { type: "boolean" },
  },
  positionals: { min: 0, max: 0 },
};

/** Used when neither the environment nor the profile names a region: STS answers in every one. */
const FALLBACK_REGION = "us-east-1";

export async function run(parsed: ParsedCommand, ctx: CliContext): Promise<number> {
  const profile = stringOption(parsed, "profile");
  if (profile !== undefined && !isAwsProfileName(profile)) {
    throw new UsageError(`--profile ${JSON.stringify(profile)} is not a profile name`, spec.usage);
  }
  // The SDK would say only that it found no credentials: name the close profiles instead.
  const named = profile ?? (ctx.env.variables.AWS_PROFILE || undefined);
  if (named !== undefined)
    requireKnownProfile(ctx.env, named, profile !== undefined ? "--profile" : "AWS_PROFILE");
  // The SDK warns on every run that its 2027 releases will need Node 22; this CLI pins its SDK
  // (package.json), so the warning is noise in front of the answer.
  process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= "true";
  const { STSClient, GetCallerIdentityCommand } = await import("@aws-sdk/client-sts");
  // The SDK's credential chain ends with "Could not load credentials from any providers" and drops
  // why the profile failed (a credential_process exiting 3, say); its debug log still says it.
  const debugLines: string[] = [];
  const logger = {
    debug: (...parts: unknown[]) => void debugLines.push(parts.map(String).join(" ")),
    info: () => undefined,
    warn: () => undefined,
    error: () => undefined,
  };
  // With a proxy or AWS_CA_BUNDLE, STS is reached through the CLI's fetch (sts-request-handler.ts):
  // the SDK's own handler reads neither. The SDK hands the handler on to the STS client it makes
  // for a profile's role_arn.
  const requestHandler = needsOwnFetch(ctx.env)
    ? (await import("../sts-request-handler")).fetchRequestHandler(ctx.fetch)
    : undefined;
  const base = {
    logger,
    ...(profile !== undefined && { profile }),
    ...(requestHandler && { requestHandler }),
  };
  let client = new STSClient(base);
  try {
    await client.config.region();
  } catch {
    client.destroy();
    client = new STSClient({ ...base, region: FALLBACK_REGION });
  }
  let identity;
  try {
    identity = await client.send(new GetCallerIdentityCommand({}));
  } catch (err) {
    throw stsError(err, profileFailure(debugLines));
  } finally {
    client.destroy();
  }
  const answer = {
    Account: identity.Account ?? "",
    Arn: identity.Arn ?? "",
    UserId: identity.UserId ?? "",
  };
  if (parsed.values.json === true) {
    ctx.out(`${JSON.stringify(answer)}\n`);
  } else {
    ctx.out(`Account: ${answer.Account}\nArn:     ${answer.Arn}\nUserId:  ${answer.UserId}\n`);
  }
  return EXIT.ok;
}

/**
 * Any name the AWS CLI takes for `--profile` (`dev@corp`, `my dev`): it reaches the SDK as a
 * string, never a shell, so only what a terminal or the config file cannot show is refused.
 */
export function isAwsProfileName(name: string): boolean {
  return name.trim() !== "" && name.length <= 256 && !/[\p{Cc}\]]/u.test(name);
}

/**
 * Why the profile step of the SDK's chain failed, from its debug log: the first provider message
 * after the chain tried the config files (fromIni), e.g. "Command failed: … " of a
 * credential_process. Undefined when the log does not say.
 */
export function profileFailure(debugLines: readonly string[]): string | undefined {
  const start = debugLines.findIndex((line) => line.includes("defaultProvider::fromIni"));
  if (start === -1) return undefined;
  for (const line of debugLines.slice(start + 1)) {
    if (line.includes("defaultProvider::")) return undefined;
    const match = /^@smithy\/property-provider (?:->|\(!\)) ([\s\S]+)$/.exec(line);
    if (match?.[1]) return [...printable(match[1]).trim()].slice(0, 500).join("");
  }
  return undefined;
}

/** No credentials: 3. AWS refused them (expired, unknown, denied): 4. AWS unreachable or failing: 5. */
export function stsError(err: unknown, profileReason?: string): CliError {
  // The CLI's own failures (a proxy refusing or not parsing) already say what went wrong.
  if (err instanceof CliError) return err;
  const error = err as { name?: string; message?: string; $metadata?: { httpStatusCode?: number } };
  const message = printable(error.message ?? String(err));
  if (error.name === "CredentialsProviderError" || error.name === "ProviderError") {
    const reason = profileReason === undefined ? "" : ` (the profile: ${profileReason})`;
    return new CliError(`no usable AWS credentials: ${message}${reason}`, EXIT.notSignedIn);
  }
  const status = error.$metadata?.httpStatusCode;
  if (status !== undefined && status >= 400 && status < 500 && status !== 429) {
    return new CliError(`AWS refused the credentials: ${message}`, EXIT.refused);
  }
  return new CliError(`AWS STS is unavailable: ${message}`, EXIT.unavailable);
}

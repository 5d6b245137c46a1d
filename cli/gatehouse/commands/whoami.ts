import { type CommandSpec, type ParsedCommand, stringOption } from "../args";
import type { CliContext } from "../context";
import { CliError, EXIT, UsageError } from "../exit-codes";
import { printable } from "../portal-client";
import { PROFILE_NAME_PATTERN } from "../../../lib/aws/profile-name";

export const spec: CommandSpec = {
  name: "whoami",
  usage: `Usage: gatehouse whoami [--profile <profile>] [--json]

Asks AWS (STS GetCallerIdentity) who the current credentials belong to, using the AWS SDK's
usual search: the environment (gatehouse exec / env), then AWS_PROFILE or the default profile,
or --profile. Prints Account, Arn and UserId.

  --profile <profile>  use this profile of ~/.aws/config (e.g. one setup-profiles wrote)
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
  if (profile !== undefined && !PROFILE_NAME_PATTERN.test(profile)) {
    throw new UsageError(`--profile ${JSON.stringify(profile)} is not a profile name`, spec.usage);
  }
  // The SDK warns on every run that its 2027 releases will need Node 22; this CLI pins its SDK
  // (package.json), so the warning is noise in front of the answer.
  process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= "true";
  const { STSClient, GetCallerIdentityCommand } = await import("@aws-sdk/client-sts");
  let client = new STSClient({ ...(profile !== undefined && { profile }) });
  try {
    await client.config.region();
  } catch {
    client.destroy();
    client = new STSClient({ region: FALLBACK_REGION, ...(profile !== undefined && { profile }) });
  }
  let identity;
  try {
    identity = await client.send(new GetCallerIdentityCommand({}));
  } catch (err) {
    throw stsError(err);
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

/** No credentials: 3. AWS refused them (expired, unknown, denied): 4. AWS unreachable or failing: 5. */
export function stsError(err: unknown): CliError {
  const error = err as { name?: string; message?: string; $metadata?: { httpStatusCode?: number } };
  const message = printable(error.message ?? String(err));
  if (error.name === "CredentialsProviderError" || error.name === "ProviderError") {
    return new CliError(`no usable AWS credentials: ${message}`, EXIT.notSignedIn);
  }
  const status = error.$metadata?.httpStatusCode;
  if (status !== undefined && status >= 400 && status < 500 && status !== 429) {
    return new CliError(`AWS refused the credentials: ${message}`, EXIT.refused);
  }
  return new CliError(`AWS STS is unavailable: ${message}`, EXIT.unavailable);
}

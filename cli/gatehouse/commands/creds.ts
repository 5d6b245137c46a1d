import {
  type CommandSpec,
  type ParsedCommand,
  durationOption,
  regionOption,
  roleReference,
  stringOption,
} from "../args";
import { type CliContext, resolvePortalUrl } from "../context";
import { credentialProcessJson, getCredentials } from "../credentials";
import { EXIT } from "../exit-codes";

export const spec: CommandSpec = {
  name: "creds",
  usage: `Usage: gatehouse creds <account>/<role> [--duration <seconds>] [--region <region>]

Prints credentials for the role as credential_process JSON on stdout:
  {"Version":1,"AccessKeyId":…,"SecretAccessKey":…,"SessionToken":…,"Expiration":…}
for ~/.aws/config:  credential_process = gatehouse creds <account>/<role> --portal <url>
(gatehouse setup-profiles writes these lines for you).

Credentials are cached in <GATEHOUSE_HOME>/cache and reused until 15 minutes before they expire
(the AWS CLI's refresh window; halfway through sessions shorter than 30 minutes).

  <account>/<role>     the account's id, name or alias, a slash, the role name; or the
                       role's id (ls --json), which never names two roles
  --duration <s>       session length in seconds (900-43200, or 1h, 90m); default: the role's
  --region <region>    the region the credentials are for; default: the portal's`,
  options: {
    duration: { type: "string" },
    region: { type: "string" },
  },
  positionals: { min: 1, max: 1 },
};

export async function run(parsed: ParsedCommand, ctx: CliContext): Promise<number> {
  const role = roleReference(parsed.positionals[0], spec.usage);
  const durationSeconds = durationOption(parsed, spec.usage);
  const region = regionOption(parsed, spec.usage);
  const portalUrl = resolvePortalUrl(ctx, stringOption(parsed, "portal"));
  const creds = await getCredentials(ctx, portalUrl, { role, durationSeconds, region });
  ctx.out(`${credentialProcessJson(creds)}\n`);
  return EXIT.ok;
}

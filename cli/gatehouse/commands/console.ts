import { parseConsoleAnswer } from "../api-types";
import {
  type CommandSpec,
  type ParsedCommand,
  durationOption,
  regionOption,
  roleReference,
  stringOption,
} from "../args";
import { type CliContext, requireSignIn, resolvePortalUrl } from "../context";
import { CliError, EXIT } from "../exit-codes";
import { isOpenableUrl, openInBrowser } from "../open-browser";
import { callPortal, printable } from "../portal-client";

export const spec: CommandSpec = {
  name: "console",
  usage: `Usage: gatehouse console <account>/<role> [--region <region>] [--destination <url or path>] [--duration <s>] [--print]

Opens the AWS console as the role in your browser, through a one-time sign-in URL.

  --region <region>         the console's region; default: the portal's
  --destination <url|path>  a console page to land on, e.g. /s3/home or a console URL
  --duration <s>            console session length in seconds (900-43200, or 1h, 90m)
  --print                   print the sign-in URL on stdout instead of opening a browser.
                            Anyone with the URL can use it to sign in as you: don't share it.`,
  options: {
    region: { type: "string" },
    destination: { type: "string" },
    duration: { type: "string" },
    print: { type: "boolean" },
  },
  positionals: { min: 1, max: 1 },
};

const BEARER_WARNING =
  "gatehouse: the sign-in URL works once, for anyone who has it: don't paste it into chats or tickets\n";

export async function run(parsed: ParsedCommand, ctx: CliContext): Promise<number> {
  const role = roleReference(parsed.positionals[0], spec.usage);
  const region = regionOption(parsed, spec.usage);
  const durationSeconds = durationOption(parsed, spec.usage);
  const destination = stringOption(parsed, "destination");
  const portalUrl = resolvePortalUrl(ctx, stringOption(parsed, "portal"));
  const signIn = requireSignIn(ctx, portalUrl);
  const answer = parseConsoleAnswer(
    await callPortal(ctx.fetch, portalUrl, {
      method: "POST",
      path: "/api/v1/console",
      token: signIn.token,
      json: {
        role,
        ...(region !== undefined && { region }),
        ...(destination !== undefined && { destination }),
        ...(durationSeconds !== undefined && { durationSeconds }),
      },
    }),
  );
  if (!answer || !isOpenableUrl(answer.signinUrl)) {
    throw new CliError("the portal's console answer is not in the expected shape", EXIT.unexpected);
  }
  const until = `the console session lasts until ${answer.expiresAt}`;
  if (parsed.values.print === true || ctx.env.noBrowser) {
    ctx.err(BEARER_WARNING);
    ctx.out(`${answer.signinUrl}\n`);
    return EXIT.ok;
  }
  if (await openInBrowser(answer.signinUrl, ctx.env.platform)) {
    ctx.err(`Opened the AWS console as ${printable(role)} in ${answer.region}; ${until}.\n`);
    return EXIT.ok;
  }
  // The URL is already issued and works once: hand it over on stdout rather than waste it.
  ctx.err("gatehouse: the browser could not be opened; here is the sign-in URL instead (stdout)\n");
  ctx.err(BEARER_WARNING);
  ctx.out(`${answer.signinUrl}\n`);
  return EXIT.ok;
}

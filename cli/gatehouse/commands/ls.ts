import { parseRolesAnswer, type RolesAnswer } from "../api-types";
import { type CommandSpec, type ParsedCommand, stringOption } from "../args";
import { type CliContext, requireSignIn, resolvePortalUrl } from "../context";
import { CliError, EXIT } from "../exit-codes";
import { callPortal } from "../portal-client";
import { rolesTable } from "../roles-table";

export const spec: CommandSpec = {
  name: "ls",
  usage: `Usage: gatehouse ls [<filter>] [--json]

Lists the roles you may use, by account: account name and id, environment, role, the longest
session, console and/or CLI access, and whether MFA is needed.

  <filter>   only accounts and roles whose name, id, alias or environment contains this text
             (a pasted error message: the roles its ARNs name; nothing found as typed: close
             spellings, said on stderr)
  --json     print the portal's answer ({"defaultRegion", "accounts": […]}) as JSON`,
  options: { json: { type: "boolean" } },
  positionals: { min: 0, max: 1 },
};

export async function run(parsed: ParsedCommand, ctx: CliContext): Promise<number> {
  const filter = parsed.positionals[0];
  const portalUrl = resolvePortalUrl(ctx, stringOption(parsed, "portal"));
  const signIn = requireSignIn(ctx, portalUrl);
  const query = filter ? `?${new URLSearchParams({ filter }).toString()}` : "";
  const body = await callPortal(ctx.fetch, portalUrl, {
    method: "GET",
    path: `/api/v1/roles${query}`,
    token: signIn.token,
  });
  const answer = parseRolesAnswer(body);
  if (!answer)
    throw new CliError("the portal's roles answer is not in the expected shape", EXIT.unexpected);
  if (parsed.values.json === true) {
    ctx.out(`${JSON.stringify(answer, null, 2)}\n`);
    return EXIT.ok;
  }
  if (answer.accounts.every((account) => account.roles.length === 0)) {
    ctx.err(
      filter
        ? `No roles match ${JSON.stringify(filter)}.\n`
        : "You have no roles on this portal.\n",
    );
    return EXIT.ok;
  }
  ctx.out(rolesTable(answer.accounts));
  // On stderr, so the table a script reads is unchanged: a result that is not an exact match says so.
  const reading = filter ? readingNote(filter, answer.filterReadAs) : undefined;
  if (reading) ctx.err(reading);
  return EXIT.ok;
}

/** What `ls` says when the portal did not match the filter as typed (the accounts page's words). */
export function readingNote(
  filter: string,
  readAs: RolesAnswer["filterReadAs"],
): string | undefined {
  const quoted = JSON.stringify(filter);
  switch (readAs) {
    case "arns-in-text":
      return `These are the roles the ARNs in ${quoted} name; its other words were set aside.\n`;
    case "close-spellings":
      return `Nothing matches ${quoted} as typed; these are close spellings.\n`;
    default:
      return undefined;
  }
}

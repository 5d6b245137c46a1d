import { parseRolesAnswer } from "../api-types";
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
  return EXIT.ok;
}

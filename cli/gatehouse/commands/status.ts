import { parseMeAnswer } from "../api-types";
import { type CommandSpec, type ParsedCommand, stringOption } from "../args";
import { readSavedSignIn, readSignInFor } from "../config-store";
import { type CliContext, warnFor } from "../context";
import { CliError, EXIT } from "../exit-codes";
import { callPortal, printable } from "../portal-client";
import { normalizePortalUrl } from "../portal-url";
import { formatRemaining } from "../roles-table";

export const spec: CommandSpec = {
  name: "status",
  usage: `Usage: gatehouse status [--portal <url>]

Shows the portal (without --portal or GATEHOUSE_URL, the one logged in to last), who is signed
in, the token's id and expiry, and asks the portal (GET /api/v1/me) whether the token still
works. Exit 3 when not signed in or the token is rejected.`,
  options: {},
  positionals: { min: 0, max: 0 },
};

export async function run(parsed: ParsedCommand, ctx: CliContext): Promise<number> {
  const flag = stringOption(parsed, "portal") ?? ctx.env.portalUrl;
  const saved =
    flag === undefined
      ? readSavedSignIn(ctx.env.home, warnFor(ctx))
      : readSignInFor(ctx.env.home, normalizePortalUrl(flag), warnFor(ctx));
  const wanted = flag === undefined ? saved?.portalUrl : normalizePortalUrl(flag);
  if (!saved) {
    ctx.out(`Portal:        ${wanted ?? "(none)"}\nSigned in:     no\n`);
    throw new CliError(
      `not signed in${wanted ? ` to ${wanted}. Run gatehouse login --portal ${wanted}` : ". Run gatehouse login --portal <url>"}`,
      EXIT.notSignedIn,
    );
  }
  const expires = new Date(saved.expiresAt);
  ctx.out(
    [
      `Portal:        ${saved.portalUrl}`,
      `Signed in as:  ${printable(saved.user.displayName)} <${printable(saved.user.email)}>`,
      `Token:         ${saved.tokenId}`,
      `Expires:       ${saved.expiresAt} (${formatRemaining(expires.getTime() - ctx.now().getTime())})`,
    ].join("\n") + "\n",
  );
  if (expires.getTime() <= ctx.now().getTime()) {
    throw new CliError(
      `the sign-in has expired. Run gatehouse login --portal ${saved.portalUrl}`,
      EXIT.notSignedIn,
    );
  }
  const me = parseMeAnswer(
    await callPortal(ctx.fetch, saved.portalUrl, {
      method: "GET",
      path: "/api/v1/me",
      token: saved.token,
    }),
  );
  if (!me)
    throw new CliError(
      "the portal's /api/v1/me answer is not in the expected shape",
      EXIT.unexpected,
    );
  ctx.out(
    [
      `MFA:           ${me.token.mfaAuthenticated ? "yes" : "no"}`,
      ...(me.token.deviceName ? [`Device name:   ${printable(me.token.deviceName)}`] : []),
      `Portal check:  the token works`,
    ].join("\n") + "\n",
  );
  return EXIT.ok;
}

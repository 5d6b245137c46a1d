import { type CommandSpec, type ParsedCommand, stringOption } from "../args";
import { DamagedSignInError, forgetSignIn, readSavedSignIn, readSignInFor } from "../config-store";
import { type CliContext, warnFor } from "../context";
import { clearCredentialCache } from "../credential-cache";
import { CliError, EXIT } from "../exit-codes";
import { callPortal } from "../portal-client";
import { normalizePortalUrl } from "../portal-url";
import { removeFile } from "../secure-files";

export const spec: CommandSpec = {
  name: "logout",
  usage: `Usage: gatehouse logout [--portal <url>]

Revokes the saved sign-in at the portal (DELETE /api/v1/token), then deletes it and every cached
credential from <GATEHOUSE_HOME>. Credentials already handed out stay valid until they expire.
Without --portal (or GATEHOUSE_URL), the portal logged in to last; sign-ins to other portals are
kept. A damaged sign-in file is removed.`,
  options: {},
  positionals: { min: 0, max: 0 },
};

export async function run(parsed: ParsedCommand, ctx: CliContext): Promise<number> {
  const warn = warnFor(ctx);
  // The same choice of portal as every other command (docs/CLI.md "Choosing the portal").
  const flag = stringOption(parsed, "portal") ?? ctx.env.portalUrl;
  const chosen = flag === undefined ? undefined : normalizePortalUrl(flag);
  let saved;
  try {
    saved =
      chosen === undefined
        ? readSavedSignIn(ctx.env.home, warn)
        : readSignInFor(ctx.env.home, chosen, warn);
  } catch (err) {
    if (!(err instanceof DamagedSignInError)) throw err;
    // Nothing in it can be revoked; removing it is the only way back to a clean state.
    removeFile(err.file);
    clearCredentialCache(ctx.env.home);
    ctx.err(`Removed the damaged ${err.file} and the credential cache.\n`);
    return EXIT.ok;
  }
  if (!saved && chosen !== undefined) {
    ctx.err(`Not signed in to ${chosen}.\n`);
    return EXIT.ok;
  }
  let failure: CliError | undefined;
  if (saved) {
    try {
      await callPortal(ctx.fetch, saved.portalUrl, {
        method: "DELETE",
        path: "/api/v1/token",
        token: saved.token,
      });
    } catch (err) {
      // 401: the token is already expired or revoked, which is what logout wants.
      if (!(err instanceof CliError) || err.exitCode !== EXIT.notSignedIn) {
        failure = err instanceof CliError ? err : new CliError(String(err), EXIT.unexpected);
      }
    }
  }
  // Forget locally even when the portal could not be told: the person asked to be signed out here.
  if (saved) forgetSignIn(ctx.env.home, saved.portalUrl);
  clearCredentialCache(ctx.env.home);
  if (failure) {
    throw new CliError(
      `signed out here, but the portal could not revoke the token (${failure.message}); it stays valid until ${saved?.expiresAt}`,
      failure.exitCode,
      failure.requestId,
    );
  }
  ctx.err(saved ? `Signed out of ${saved.portalUrl}.\n` : "Not signed in.\n");
  return EXIT.ok;
}

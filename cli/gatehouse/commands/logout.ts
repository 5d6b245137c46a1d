import { type CommandSpec, type ParsedCommand, stringOption } from "../args";
import { forgetSignIn, readSavedSignIn } from "../config-store";
import { type CliContext, warnFor } from "../context";
import { clearCredentialCache } from "../credential-cache";
import { CliError, EXIT } from "../exit-codes";
import { callPortal } from "../portal-client";
import { normalizePortalUrl } from "../portal-url";

export const spec: CommandSpec = {
  name: "logout",
  usage: `Usage: gatehouse logout

Revokes the saved sign-in at the portal (DELETE /api/v1/token), then deletes it and every cached
credential from <GATEHOUSE_HOME>. Credentials already handed out stay valid until they expire.`,
  options: {},
  positionals: { min: 0, max: 0 },
};

export async function run(parsed: ParsedCommand, ctx: CliContext): Promise<number> {
  const saved = readSavedSignIn(ctx.env.home, warnFor(ctx));
  const flag = stringOption(parsed, "portal");
  if (saved && flag !== undefined && normalizePortalUrl(flag) !== saved.portalUrl) {
    ctx.err(`Not signed in to ${normalizePortalUrl(flag)} (signed in to ${saved.portalUrl}).\n`);
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
  forgetSignIn(ctx.env.home);
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

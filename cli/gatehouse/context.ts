import type { CliEnv } from "./cli-env";
import {
  DamagedSignInError,
  type SavedSignIn,
  readSavedSignIn,
  readSignInFor,
} from "./config-store";
import { CliError, EXIT, UsageError } from "./exit-codes";
import { normalizePortalUrl } from "./portal-url";

/** What every command is given: the environment, the output streams and the clock. */
export interface CliContext {
  env: CliEnv;
  /** Writes to stdout: the command's result (credentials, tables, JSON). */
  out(text: string): void;
  /** Writes to stderr: progress and messages for the person. Never a secret. */
  err(text: string): void;
  now(): Date;
  fetch: typeof fetch;
  /** How to run this CLI again: node's path and gatehouse.mjs's (for credential_process lines). */
  program: readonly string[];
}

export function warnFor(ctx: CliContext): (message: string) => void {
  return (message) => ctx.err(`gatehouse: warning: ${message}\n`);
}

/** The portal: `--portal`, then `GATEHOUSE_URL`, then the one saved by `gatehouse login`. */
export function resolvePortalUrl(ctx: CliContext, flag: string | undefined): string {
  const explicit = flag ?? ctx.env.portalUrl;
  if (explicit !== undefined) return normalizePortalUrl(explicit);
  let saved;
  try {
    saved = readSavedSignIn(ctx.env.home, warnFor(ctx));
  } catch (err) {
    if (!(err instanceof DamagedSignInError)) throw err;
    // The damaged file cannot name the portal, so saying "log in" alone would be a loop.
    throw new UsageError(
      `which portal? ${err.file} is damaged and names none: pass --portal <url> or set GATEHOUSE_URL`,
    );
  }
  if (saved) return saved.portalUrl;
  throw new UsageError("which portal? Pass --portal <url> or set GATEHOUSE_URL");
}

/**
 * The saved sign-in for `portalUrl`. The token is only ever sent to the portal that issued it: a
 * sign-in to another portal does not count here.
 * @throws CliError (exit 3) when there is no usable sign-in for this portal.
 */
export function requireSignIn(ctx: CliContext, portalUrl: string): SavedSignIn {
  const saved = readSignInFor(ctx.env.home, portalUrl, warnFor(ctx));
  if (!saved) {
    throw new CliError(
      `not signed in to ${portalUrl}. Run gatehouse login${loginPortalHint(ctx, portalUrl)}`,
      EXIT.notSignedIn,
    );
  }
  if (Date.parse(saved.expiresAt) <= ctx.now().getTime()) {
    throw new CliError(
      `your sign-in to ${portalUrl} expired at ${saved.expiresAt}. Run gatehouse login${loginPortalHint(ctx, portalUrl)}`,
      EXIT.notSignedIn,
    );
  }
  return saved;
}

function loginPortalHint(ctx: CliContext, portalUrl: string): string {
  try {
    if (ctx.env.portalUrl !== undefined && normalizePortalUrl(ctx.env.portalUrl) === portalUrl) {
      return "";
    }
  } catch {
    // GATEHOUSE_URL is not a usable URL: name the portal explicitly.
  }
  return ` --portal ${portalUrl}`;
}

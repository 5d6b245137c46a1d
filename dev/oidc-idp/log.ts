/** One line per error for stderr: short, and never a token, password or authorization code. */
export type Log = (message: string) => void;

interface ErrorLike {
  name?: unknown;
  message?: unknown;
  /** oidc-provider's OAuth error code, its public description and its internal detail. */
  error?: unknown;
  error_description?: unknown;
  error_detail?: unknown;
}

/** Describes an error by its code and reasons, e.g. `invalid_grant: grant request is invalid (PKCE verification failed)`. */
export function describeError(err: unknown): string {
  if (typeof err !== "object" || err === null) return clip(String(err));
  const e = err as ErrorLike;
  const code = typeof e.error === "string" ? e.error : `${String(e.name)}: ${String(e.message)}`;
  const description = typeof e.error_description === "string" ? `: ${e.error_description}` : "";
  const detail = typeof e.error_detail === "string" ? ` (${e.error_detail})` : "";
  return clip(`${code}${description}${detail}`);
}

/** Caps a line and masks anything shaped like a JWT, in case one ends up inside a message. */
export function clip(text: string): string {
  const masked = text.replace(/eyJ[\w-]+\.[\w-]+\.[\w-]*/g, "[jwt]");
  return masked.length > 300 ? `${masked.slice(0, 300)}…` : masked;
}

export function writeToStderr(message: string): void {
  process.stderr.write(`[oidc-idp] ${message}\n`);
}

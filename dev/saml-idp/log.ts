/** One line per event for stderr: short, never a password, a SAML message or an assertion. */
export type Log = (message: string) => void;

/**
 * Caps a line, flattens control characters (a crafted Issuer must not forge log lines) and masks
 * long base64 runs, in case a SAML message ever ends up inside an error message.
 */
export function clip(text: string): string {
  const masked = text
    .replace(/[\u0000-\u001f\u007f]+/g, " ")
    .replace(/[A-Za-z0-9+/=_-]{200,}/g, "[base64]");
  return masked.length > 300 ? `${masked.slice(0, 300)}…` : masked;
}

export function describeError(err: unknown): string {
  if (err instanceof Error) return clip(`${err.name}: ${err.message}`);
  return clip(String(err));
}

export function writeToStderr(message: string): void {
  process.stderr.write(`[saml-idp] ${message}\n`);
}

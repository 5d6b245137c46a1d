import { createHmac, randomBytes, timingSafeEqual } from "node:crypto";

import { escapeHtml, renderPage } from "./html";

/**
 * The demo IdPs' second factor: a TOTP (RFC 6238: HMAC-SHA1, 30-second steps, 6 digits) per user,
 * from a per-process secret. It is a DEMO: the code page shows the current code (as if read off
 * the user's authenticator app), so demos and tests can type it. The checks are real — a wrong
 * or stale code is refused, attempts are limited.
 */

/** OIDC acr values this IdP issues after the code step (the portal's default MFA set). */
export const MFA_ACR_VALUES = [
  "http://schemas.openid.net/pape/policies/2007/06/multi-factor",
  "https://refeds.org/profile/mfa",
] as const;

/** SAML AuthnContextClassRefs this IdP issues after the code step, and for a password alone. */
export const SAML_MFA_CONTEXTS = [
  "https://refeds.org/profile/mfa",
  "http://schemas.microsoft.com/claims/multipleauthn",
] as const;
export const SAML_PASSWORD_CONTEXT =
  "urn:oasis:names:tc:SAML:2.0:ac:classes:PasswordProtectedTransport";

/** Wrong codes allowed per sign-in before the IdP gives up on it. */
export const MAX_CODE_ATTEMPTS = 5;
const STEP_SECONDS = 30;

/**
 * Counts one wrong code against a sign-in waiting at its code step (both demo IdPs keep the count
 * on the sign-in). "give-up" once MAX_CODE_ATTEMPTS wrong codes were typed: the IdP then ends the
 * sign-in with an error; until then "retry" shows the form again.
 */
export function recordWrongCode(signIn: { attempts: number }): "retry" | "give-up" {
  signIn.attempts += 1;
  return signIn.attempts >= MAX_CODE_ATTEMPTS ? "give-up" : "retry";
}

export class DemoTotp {
  readonly #secret: Buffer;
  readonly #now: () => number;

  constructor(secret: Buffer = randomBytes(32), now: () => number = Date.now) {
    this.#secret = secret;
    this.#now = now;
  }

  /** The user's current 6-digit code. */
  codeFor(username: string, at = this.#now()): string {
    return totp(this.#userKey(username), Math.floor(at / 1000 / STEP_SECONDS));
  }

  /** Accepts the current code or the previous step's (a code typed as it rolls over). */
  verify(username: string, code: string): boolean {
    if (!/^\d{6}$/.test(code)) return false;
    const step = Math.floor(this.#now() / 1000 / STEP_SECONDS);
    const given = Buffer.from(code);
    return [step, step - 1].some((s) =>
      timingSafeEqual(Buffer.from(totp(this.#userKey(username), s)), given),
    );
  }

  #userKey(username: string): Buffer {
    return createHmac("sha256", this.#secret).update(`totp:${username}`).digest();
  }
}

function totp(key: Buffer, step: number): string {
  const counter = Buffer.alloc(8);
  counter.writeBigUInt64BE(BigInt(step));
  const mac = createHmac("sha1", key).update(counter).digest();
  const offset = (mac[mac.length - 1] ?? 0) & 0x0f;
  const binary = mac.readUInt32BE(offset) & 0x7fffffff;
  return String(binary % 1_000_000).padStart(6, "0");
}

export interface CodePageOptions {
  title: string;
  /** Where the code form posts. */
  action: string;
  abortUrl: string;
  username: string;
  /** The current code, shown as the demo's stand-in for the user's authenticator app. */
  demoCode: string;
  error?: string;
}

/** The second step: a 6-digit code form. Plain server-rendered HTML, values escaped, no script. */
export function renderCodePage(options: CodePageOptions): string {
  const { title, action, abortUrl, username, demoCode, error } = options;
  const errorHtml = error ? `<p class="error" role="alert">${escapeHtml(error)}</p>` : "";
  return renderPage(
    `Verification code - ${title}`,
    `<h1>Verification code</h1>
<p class="sub">${escapeHtml(title)}: a second step for <strong>${escapeHtml(username)}</strong></p>
${errorHtml}
<form method="post" action="${escapeHtml(action)}" autocomplete="off">
<label for="code">6-digit code from your authenticator app</label>
<input id="code" name="code" type="text" inputmode="numeric" pattern="[0-9]{6}" maxlength="6" autocomplete="one-time-code" required autofocus>
<button type="submit">Verify</button>
</form>
<p class="links"><a href="${escapeHtml(abortUrl)}">Cancel</a></p>
<p class="note">Demo identity provider: your authenticator app would now show <code data-testid="demo-code">${escapeHtml(demoCode)}</code>.</p>`,
  );
}

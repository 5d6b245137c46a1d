"use client";

import { postJson, type ApiErrorView } from "./api-client";
import { rememberIntent } from "./resume-intent";

/** What the console endpoint takes: everything optional, the server applies its defaults. */
export interface ConsoleRequest {
  region: string;
  durationSeconds?: number;
  destination?: string;
  /**
   * Where to continue if the browser must first leave (the IdP's AWS app, an MFA step-up): a portal
   * path, usually the role's console deep link, which then opens the console without a click.
   */
  returnTo?: string;
}

export interface ConsoleSignIn {
  signinUrl: string;
  expiresAt: string;
  linkExpiresAt: string;
  region: string;
}

export type ConsoleOutcome =
  { ok: true; signIn: ConsoleSignIn } | { ok: false; error: ApiErrorView };

function bodyOf(request: ConsoleRequest): Record<string, string | number> {
  return {
    region: request.region,
    ...(request.durationSeconds !== undefined ? { durationSeconds: request.durationSeconds } : {}),
    ...(request.destination ? { destination: request.destination } : {}),
    ...(request.returnTo ? { returnTo: request.returnTo } : {}),
  };
}

/**
 * Asks for a one-time console sign-in URL. A role reached through a SAML IdP's AWS app (or needing
 * an MFA step-up) answers with a nextUrl: the browser goes there and comes back to
 * `request.returnTo`, remembered as this tab's intent, so the caller sees no error.
 */
export async function requestConsoleSignIn(
  roleId: string,
  request: ConsoleRequest,
  onSessionEnded?: () => void,
): Promise<ConsoleOutcome | { ok: false; error: null }> {
  const result = await postJson<ConsoleSignIn>(
    `/api/roles/${encodeURIComponent(roleId)}/console`,
    bodyOf(request),
    onSessionEnded,
  );
  if (result.ok) return { ok: true, signIn: result.data };
  if (result.error.nextUrl) {
    if (request.returnTo) rememberIntent(request.returnTo);
    window.location.assign(result.error.nextUrl);
    return { ok: false, error: null };
  }
  return { ok: false, error: result.error };
}

/**
 * Opens the AWS console in a new tab. The tab is opened during the user's click or key press (popup
 * blockers allow that), then pointed at the sign-in URL, which thus never lands in this page's
 * state. Returns the error to show, or null. `onSessionEnded` as in postJson.
 */
export async function openConsoleTab(
  roleId: string,
  request: ConsoleRequest,
  onSessionEnded?: () => void,
): Promise<ApiErrorView | null> {
  const tab = window.open("", "_blank");
  const outcome = await requestConsoleSignIn(roleId, request, onSessionEnded);
  if (!outcome.ok) {
    tab?.close();
    return outcome.error;
  }
  if (tab) {
    tab.opener = null;
    tab.location.href = outcome.signIn.signinUrl;
  } else {
    window.location.assign(outcome.signIn.signinUrl);
  }
  return null;
}

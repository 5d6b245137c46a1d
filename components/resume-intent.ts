"use client";

import { credentialsOfferPath } from "@/lib/access/deep-link-path";
import { keptForThisPerson, signedInPerson } from "./signed-in-person";

/**
 * What this tab meant to do before a trip away from the portal (a sign-in, an MFA step-up, the
 * IdP's AWS app): a portal path, kept in sessionStorage for a few minutes and read once on return.
 * The return from an IdP is a cross-site navigation, so a page that would act at once (open the
 * console, issue credentials) acts only when this tab recorded the same path itself; otherwise it
 * waits for a click, and a link from another site can't make it act.
 */
const INTENT_STORAGE_KEY = "gatehouse.resume-intent";
const INTENT_LIFETIME_MS = 10 * 60 * 1000;

/** Remembers, for this tab, that the user chose to go on to `path` (read once by readIntent). */
export function rememberIntent(path: string): void {
  try {
    window.sessionStorage.setItem(
      INTENT_STORAGE_KEY,
      JSON.stringify({ path, at: Date.now(), person: signedInPerson() }),
    );
  } catch {
    // Storage disabled: the user confirms with one click after coming back instead.
  }
}

/**
 * Whether this tab recorded `path` as its intent in the last few minutes, signed in as the same
 * person (signed-in-person.ts); forgets it either way.
 */
export function readIntent(path: string): boolean {
  try {
    const raw = window.sessionStorage.getItem(INTENT_STORAGE_KEY);
    window.sessionStorage.removeItem(INTENT_STORAGE_KEY);
    if (!raw) return false;
    const intent = JSON.parse(raw) as { path?: unknown; at?: unknown; person?: unknown };
    const age = typeof intent.at === "number" ? Date.now() - intent.at : -1;
    return (
      intent.path === path &&
      keptForThisPerson(intent.person) &&
      age >= 0 &&
      age < INTENT_LIFETIME_MS
    );
  } catch {
    return false;
  }
}

/** The accounts page path that reopens CLI credentials for a role after a trip away. */
export function credentialsResumePath(roleId: string): string {
  return credentialsOfferPath(roleId);
}

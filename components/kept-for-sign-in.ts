"use client";

/**
 * What a tab was doing when its portal session ended under it (a click that met a 401, or a step-up
 * trip): kept in this tab's sessionStorage across the sign-in and read once by the page it comes
 * back to, so the action is offered again and typed text (a request's reason, an approver's
 * comment) is not lost. Nothing here is ever done by itself: the page shows it, the user clicks.
 * Only this tab writes it, so a link from another site can't plant an action; and only the person
 * who kept it reads it back (signed-in-person.ts).
 */
import { keptForThisPerson, signedInPerson } from "./signed-in-person";

const PREFIX = "gatehouse.kept:";
/** Long enough for a sign-in with an MFA step; a tab that wanders off meanwhile forgets it. */
const LIFETIME_MS = 30 * 60 * 1000;

/** Keeps `value` under `key` for this tab until the next takeKept(key). */
export function keepForSignIn(key: string, value: unknown): void {
  try {
    window.sessionStorage.setItem(
      PREFIX + key,
      JSON.stringify({ value, at: Date.now(), person: signedInPerson() }),
    );
  } catch {
    // Storage disabled: the page comes back without it, as before.
  }
}

/**
 * What this same person kept under `key` in the last half hour, or null; forgets it either way.
 */
export function takeKept(key: string): unknown {
  try {
    const raw = window.sessionStorage.getItem(PREFIX + key);
    window.sessionStorage.removeItem(PREFIX + key);
    if (!raw) return null;
    const kept = JSON.parse(raw) as { value?: unknown; at?: unknown; person?: unknown };
    const age = typeof kept.at === "number" ? Date.now() - kept.at : -1;
    if (!keptForThisPerson(kept.person)) return null;
    return age >= 0 && age < LIFETIME_MS ? (kept.value ?? null) : null;
  } catch {
    return null;
  }
}

/**
 * Forgets everything this tab kept: on sign-out, so the next person to sign in at this browser is
 * not offered what the last one was doing.
 */
export function forgetAllKept(): void {
  try {
    const keys = Array.from({ length: window.sessionStorage.length }, (_, i) =>
      window.sessionStorage.key(i),
    );
    for (const key of keys) if (key?.startsWith(PREFIX)) window.sessionStorage.removeItem(key);
  } catch {
    // Storage disabled: nothing was kept.
  }
}

/** A kept object's string field, or null (what was kept is read like any other input). */
export function keptString(value: unknown, field: string): string | null {
  const v = (value as Record<string, unknown> | null)?.[field];
  return typeof v === "string" ? v : null;
}

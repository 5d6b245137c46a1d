"use client";

import { lazy } from "react";

// The accounts page's parts that showing and searching the list don't need — the console options
// menu, the credentials dialog and the keyboard-shortcut help — arrive in chunks of their own:
// fetched when the user first points at or tabs into the page (preloadAccountsOnDemand), or at the
// latest when one is first opened. The "Ready to continue" notice, shown only on coming back from
// a sign-in or the IdP, is fetched when it is shown. docs/ARCHITECTURE.md "Page weight".
const loadConsoleOptions = () => import("./console-options");
const loadCredentialsDialog = () => import("./credentials-dialog");
const loadKeyboardShortcuts = () => import("./keyboard-shortcuts");

export const ConsoleOptions = lazy(() =>
  loadConsoleOptions().then((m) => ({ default: m.ConsoleOptions })),
);
export const CredentialsDialog = lazy(() =>
  loadCredentialsDialog().then((m) => ({ default: m.CredentialsDialog })),
);
export const KeyboardShortcuts = lazy(() =>
  loadKeyboardShortcuts().then((m) => ({ default: m.KeyboardShortcuts })),
);

export const ResumeOfferNotice = lazy(() =>
  import("./resume-offer-notice").then((m) => ({ default: m.ResumeOfferNotice })),
);

let preloaded = false;

/** Starts fetching the on-demand parts once; later calls do nothing. */
export function preloadAccountsOnDemand(): void {
  if (preloaded) return;
  preloaded = true;
  void loadConsoleOptions();
  void loadCredentialsDialog();
  void loadKeyboardShortcuts();
}

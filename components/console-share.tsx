"use client";

import { useState } from "react";
import type { AccountView, RoleView } from "@/lib/access/group-by-account";
import { buildDeepLink } from "@/lib/access/deep-link";
import { localError, type ApiErrorView } from "./api-client";
import { requestConsoleSignIn, type ConsoleRequest } from "./console-actions";
import { ErrorNotice } from "./error-notice";
import { UtcTime } from "./utc-time";

// The console menu's two ways to share a role: a deep link into the portal (safe to paste
// anywhere: it still signs the reader in as themselves) and the one-time federation sign-in URL (a
// secret, copied only, never kept).

export type CopyState =
  | { kind: "idle" }
  | { kind: "link-copied"; link: string }
  | { kind: "link-failed"; link: string }
  | { kind: "signin-copied"; linkExpiresAt: string }
  | { kind: "signin-manual"; url: string; linkExpiresAt: string }
  | { kind: "signin-loading" }
  | { kind: "error"; error: ApiErrorView };

/** The state of the last copy and the two copy actions, for the console menu. */
export function useConsoleShare({
  account,
  role,
  request,
  onIssued,
}: {
  account: AccountView;
  role: RoleView;
  /** Region and destination of the link and the sign-in URL alike. */
  request: ConsoleRequest;
  onIssued: () => void;
}) {
  const [copy, setCopy] = useState<CopyState>({ kind: "idle" });
  const deepLink = () =>
    new URL(
      buildDeepLink({
        account: account.accountId,
        role: role.roleName,
        region: request.region,
        ...(request.destination ? { destination: request.destination } : {}),
      }),
      window.location.origin,
    ).toString();

  async function copyLink() {
    let link: string;
    try {
      link = deepLink();
    } catch (error) {
      setCopy({
        kind: "error",
        error: localError(error instanceof Error ? error.message : "This link can't be built."),
      });
      return;
    }
    try {
      await navigator.clipboard.writeText(link);
      setCopy({ kind: "link-copied", link });
    } catch {
      setCopy({ kind: "link-failed", link });
    }
  }

  async function copySignInUrl() {
    setCopy({ kind: "signin-loading" });
    const outcome = await requestConsoleSignIn(role.roleId, request);
    if (!outcome.ok) {
      if (outcome.error) setCopy({ kind: "error", error: outcome.error });
      return;
    }
    onIssued();
    const { signinUrl, linkExpiresAt } = outcome.signIn;
    try {
      await navigator.clipboard.writeText(signinUrl);
      setCopy({ kind: "signin-copied", linkExpiresAt });
    } catch {
      // Shown once for copying by hand; gone when the menu closes (never stored).
      setCopy({ kind: "signin-manual", url: signinUrl, linkExpiresAt });
    }
  }

  return { copy, setCopy, copyLink, copySignInUrl };
}

/** What the last copy did: the link, or the sign-in URL's warning (and the URL when copying failed). */
export function CopyFeedback({ state }: { state: CopyState }) {
  switch (state.kind) {
    case "idle":
    case "signin-loading":
      return null;
    case "error":
      return (
        <div className="mt-3">
          <ErrorNotice error={state.error} />
        </div>
      );
    case "link-copied":
    case "link-failed":
      return (
        <div className="mt-3 rounded-md bg-slate-50 px-3 py-2 text-xs text-slate-700" role="status">
          <p>
            {state.kind === "link-copied"
              ? "Link copied. Whoever opens it signs in to Gatehouse as themselves."
              : "Copy failed: select the link below."}
          </p>
          <code className="mt-1 block font-mono break-all text-slate-600" data-testid="deep-link">
            {state.link}
          </code>
        </div>
      );
    case "signin-copied":
    case "signin-manual":
      return (
        <div
          className="mt-3 rounded-md border border-amber-300 bg-amber-50 px-3 py-2 text-xs text-amber-900"
          role="status"
          data-testid="signin-url-notice"
        >
          <p className="font-semibold">
            {state.kind === "signin-copied"
              ? "Sign-in URL copied — it is a secret."
              : "Sign-in URL — a secret."}
          </p>
          <p className="mt-1">
            Anyone who opens it is signed in to AWS as you in this role. Valid until{" "}
            <UtcTime value={state.linkExpiresAt} form="time" /> (about 15 minutes). Paste it only
            into your own browser; never into chat or tickets.
          </p>
          {state.kind === "signin-manual" && (
            <input
              readOnly
              value={state.url}
              onFocus={(e) => e.currentTarget.select()}
              className="mt-2 w-full rounded border border-amber-300 bg-white px-2 py-1 font-mono text-[11px]"
              aria-label="One-time sign-in URL"
            />
          )}
        </div>
      );
  }
}

"use client";

import { useState } from "react";
import { postJson, type ApiErrorView } from "./api-client";
import { forgetAllKept } from "./kept-for-sign-in";

/**
 * Signs out: the portal revokes the session, then answers where the browser goes next — the
 * identity provider's logout endpoint when it supports single logout, else the signed-out page
 * (docs/SINGLE-LOGOUT.md). A navigation, not a form post: the portal's CSP allows forms to post
 * only to itself, and the IdP is another origin.
 */
export function SignOutButton() {
  const [isSigningOut, setIsSigningOut] = useState(false);
  const [error, setError] = useState<ApiErrorView | null>(null);
  return (
    <>
      {error && (
        <span role="alert" className="shrink-0 text-xs text-red-700" data-testid="sign-out-error">
          {error.message}
          {error.requestId ? ` (reference ${error.requestId})` : ""}
        </span>
      )}
      <button
        type="button"
        disabled={isSigningOut}
        onClick={() => {
          setIsSigningOut(true);
          setError(null);
          void postJson<{ url: string }>("/api/auth/sign-out", {}).then((result) => {
            if (result.ok && typeof result.data.url === "string") {
              forgetAllKept();
              window.location.assign(result.data.url);
              return;
            }
            setError(result.ok ? null : result.error);
            setIsSigningOut(false);
          });
        }}
        className="shrink-0 rounded-md border border-slate-300 px-3 py-1.5 whitespace-nowrap text-slate-700 hover:bg-slate-100 disabled:opacity-50"
      >
        {isSigningOut ? "Signing out…" : "Sign out"}
      </button>
    </>
  );
}

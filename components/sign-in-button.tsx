"use client";

import { signIn } from "next-auth/react";
import { useEffect, useRef, useState } from "react";

/**
 * Starts an OIDC sign-in through next-auth (which handles its CSRF token and the PKCE, state and
 * nonce cookies). `authorizationParams` go to the IdP's authorize URL (a step-up sends acr_values,
 * prompt=login and max_age=0); `autoStart` starts at once, the button staying as a fallback.
 */
export function SignInButton({
  providerId,
  label,
  callbackUrl,
  authorizationParams,
  autoStart = false,
}: {
  providerId: string;
  label: string;
  callbackUrl: string;
  authorizationParams?: Record<string, string>;
  autoStart?: boolean;
}) {
  const [isRedirecting, setIsRedirecting] = useState(false);
  const started = useRef(false);
  const start = () => {
    if (started.current) return;
    started.current = true;
    setIsRedirecting(true);
    void signIn(providerId, { callbackUrl }, authorizationParams);
  };
  useEffect(() => {
    if (autoStart) start();
    // Once, on mount: a re-render must not start a second sign-in.
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, []);
  return (
    <button
      type="button"
      disabled={isRedirecting}
      onClick={start}
      data-provider={providerId}
      data-callback-url={callbackUrl}
      data-authorization-params={
        authorizationParams ? JSON.stringify(authorizationParams) : undefined
      }
      className="w-full rounded-md bg-indigo-600 px-4 py-2.5 font-medium text-white shadow-sm hover:bg-indigo-500 disabled:opacity-60"
    >
      {isRedirecting ? "Redirecting…" : label}
    </button>
  );
}

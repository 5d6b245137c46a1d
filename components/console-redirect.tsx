"use client";

import { useCallback, useEffect, useRef, useState } from "react";
import type { DurationBoundsView } from "@/lib/access/group-by-account";
import { consoleDestination } from "@/lib/aws/console-destinations";
import { postJson, type ApiErrorView } from "./api-client";
import { ErrorNotice } from "./error-notice";
import { readIntent, rememberIntent } from "./resume-intent";
import { readRoleDuration } from "./use-role-preferences";
import { useStoredChoice } from "./use-stored-choice";

/** The accounts page remembers the user's region under this key; a link without one uses it. */
const REGION_STORAGE_KEY = "gatehouse.region";

/**
 * Signed out, opened directly (typed, bookmarked, or from the portal itself): remember that this
 * tab meant to open the link, then sign in and come back to it.
 */
export function SignInFirst({ deepLink }: { deepLink: string }) {
  const signInUrl = `/signin?callbackUrl=${encodeURIComponent(deepLink)}`;
  useEffect(() => {
    rememberIntent(deepLink);
    window.location.replace(signInUrl);
  }, [deepLink, signInUrl]);
  return (
    <p className="text-slate-700" data-testid="deep-link-sign-in">
      Sign in to open the AWS console…{" "}
      <a className="text-indigo-700 underline" href={signInUrl}>
        Continue to sign-in
      </a>
    </p>
  );
}

export interface ConsoleRedirectProps {
  roleId: string;
  roleName: string;
  accountName: string;
  accountId: string;
  /** The link's region, or null to use the user's remembered region (else the portal default). */
  linkRegion: string | null;
  defaultRegion: string;
  regionCodes: readonly string[];
  destination: string | null;
  /**
   * The role's console session bounds: the session length this browser remembers for the role
   * (chosen on the accounts page, perhaps just before a step-up that came back here) is sent when
   * they still allow it, as the accounts page's Console button does; else the role's default.
   */
  bounds: DurationBoundsView;
  /** The deep link itself, where a step-up sign-in returns to. */
  deepLink: string;
  /** True when the navigation came from the portal or was typed: open without asking. */
  autoContinue: boolean;
}

/**
 * Opens the console for one role: POSTs the console API and replaces this page with the sign-in
 * URL (so Back doesn't land on a spent link). A cross-site navigation waits for a click instead, so
 * another site can't open a console session in the user's name just by linking here.
 */
export function ConsoleRedirect(props: ConsoleRedirectProps) {
  const { regionCodes, linkRegion, defaultRegion, bounds } = props;
  const isKnownRegion = useCallback((code: string) => regionCodes.includes(code), [regionCodes]);
  const [storedRegion] = useStoredChoice(REGION_STORAGE_KEY, defaultRegion, isKnownRegion);
  const region = linkRegion ?? storedRegion;
  const [state, setState] = useState<"confirm" | "opening" | "error">(
    props.autoContinue ? "opening" : "confirm",
  );
  const [error, setError] = useState<ApiErrorView | null>(null);
  /** The destination to open: the link's, until the user changes it after a refusal. */
  const [destination, setDestination] = useState<string | null>(props.destination);
  const started = useRef(false);
  // A destination naming its own region opens there (docs/AWS.md "Console sign-in"): say so.
  const check = destination ? consoleDestination(region, destination.trim()) : null;
  const opensIn = check?.ok && check.region !== undefined ? check.region : region;

  /** Asks for the sign-in URL and leaves for it; state changes only after the answer. */
  const send = useCallback(async () => {
    // Read storage now, not the first render's fallback: the hook switches after hydration.
    const stored = window.localStorage.getItem(REGION_STORAGE_KEY);
    const chosen =
      linkRegion ?? (stored !== null && isKnownRegion(stored) ? stored : defaultRegion);
    const durationSeconds = readRoleDuration(props.roleId, bounds);
    const result = await postJson<{ signinUrl: string }>(`/api/roles/${props.roleId}/console`, {
      region: chosen,
      ...(durationSeconds !== null ? { durationSeconds } : {}),
      ...(destination !== null && destination.trim() !== ""
        ? { destination: destination.trim() }
        : {}),
      returnTo: props.deepLink,
    });
    if (result.ok) {
      window.location.replace(result.data.signinUrl);
      return;
    }
    if (result.error.nextUrl) {
      // A SAML-federated role or an MFA step-up: fix that first; it returns to the deep link,
      // which then goes on by itself (the user already chose to open it in this tab).
      rememberIntent(props.deepLink);
      window.location.assign(result.error.nextUrl);
      return;
    }
    setError(result.error);
    setState("error");
  }, [linkRegion, defaultRegion, isKnownRegion, props.roleId, bounds, destination, props.deepLink]);

  const open = useCallback(() => {
    setState("opening");
    setError(null);
    void send();
  }, [send]);

  useEffect(() => {
    if (started.current) return;
    started.current = true;
    if (props.autoContinue || readIntent(props.deepLink)) void Promise.resolve().then(open);
  }, [open, props.autoContinue, props.deepLink]);

  return (
    <div
      className="rounded-xl border border-slate-200 bg-white p-6 shadow-sm"
      data-testid="deep-link"
    >
      <h1 className="text-xl font-semibold" data-testid="deep-link-title">
        Open {props.roleName} in {props.accountName} ({opensIn})
      </h1>
      <p className="mt-1 text-sm text-slate-600">
        AWS account <code className="font-mono">{props.accountId}</code>
        {props.destination !== null && (
          <>
            {" "}
            · destination <code className="font-mono">{props.destination}</code>
          </>
        )}
      </p>
      {state === "opening" && (
        <p className="mt-4 text-slate-700" role="status" data-testid="deep-link-opening">
          Opening the AWS console…
        </p>
      )}
      {state !== "opening" && (
        <>
          {state === "confirm" && (
            <p className="mt-4 text-sm text-slate-700" data-testid="deep-link-confirm">
              This link was opened from another site. Continue only if you meant to open the AWS
              console.
            </p>
          )}
          {error && (
            <div className="mt-4">
              <ErrorNotice error={error} />
            </div>
          )}
          {state === "error" && props.destination !== null && (
            // A refused destination would be refused again: let the user change it here (an
            // empty one opens the console home).
            <label className="mt-4 block text-sm text-slate-700">
              Destination in the console (leave it empty for the console home)
              <input
                value={destination ?? ""}
                onChange={(e) => setDestination(e.target.value)}
                placeholder="/ec2/home (empty: the console home)"
                className="mt-1 block w-full rounded-md border border-slate-300 px-3 py-2 font-mono text-sm"
                data-testid="deep-link-destination"
              />
            </label>
          )}
          <div className="mt-4 flex flex-wrap items-center gap-3">
            <button
              type="button"
              onClick={open}
              className="rounded-md bg-indigo-600 px-4 py-2 font-medium text-white hover:bg-indigo-500"
            >
              {state === "error" ? "Try again" : "Continue"}
            </button>
            <a
              href="/accounts"
              className="rounded-md border border-slate-300 px-4 py-2 font-medium text-slate-700 hover:bg-slate-100"
              data-testid="deep-link-cancel"
            >
              Cancel
            </a>
          </div>
        </>
      )}
    </div>
  );
}

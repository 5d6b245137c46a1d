"use client";

import { useRouter } from "next/navigation";
import { useEffect, useRef, useState, useTransition, type RefObject } from "react";
import { apiErrorFrom, UNREACHABLE, type ApiErrorView } from "../api-client";
import { ApiErrorAlert } from "../api-error-alert";

const FOCUSABLE = "input, button, select, textarea, a[href]";

/**
 * Posts one access-request action (request, decide, cancel, end) and refreshes the page's lists
 * when it lands; a refusal keeps the API's message and request id to show.
 *
 * An action sent from a list row (`from`) often removes that row or its button, and with it the
 * keyboard focus, which would fall to the page body: once the refreshed list is shown, focus goes
 * to the first control of the row now in that place (the next request), else of the row before it,
 * else to the outcome message (`outcome`, which ActionOutcome makes focusable). Focus the person
 * has moved elsewhere meanwhile is left where it is.
 */
export function useRequestAction() {
  const router = useRouter();
  const [busy, setBusy] = useState<string | null>(null);
  const [error, setError] = useState<ApiErrorView | null>(null);
  const [done, setDone] = useState<string | null>(null);
  const [isRefreshing, startRefresh] = useTransition();
  const outcome = useRef<HTMLDivElement>(null);
  const place = useRef<{ list: Element; index: number } | null>(null);

  useEffect(() => {
    const at = place.current;
    if (!at || busy !== null || isRefreshing) return;
    place.current = null;
    const active = document.activeElement;
    if (active && active !== document.body && active.isConnected) return;
    const rows = at.list.children;
    const target =
      [rows[at.index], rows[at.index - 1]]
        .map((row) => row?.querySelector<HTMLElement>(`:is(${FOCUSABLE}):not(:disabled)`))
        .find(Boolean) ?? outcome.current;
    target?.focus();
  }, [busy, isRefreshing, done, error]);

  const refresh = () => startRefresh(() => router.refresh());

  /**
   * `beforeLeaving` runs when the tab must leave to sign in again (the session ended) or to step up
   * with MFA: the caller keeps what was typed (keepForSignIn), which the page restores on return.
   */
  async function send(
    key: string,
    url: string,
    body: unknown,
    doneMessage: string,
    from?: Element | null,
    beforeLeaving?: () => void,
  ): Promise<boolean> {
    const row = from?.closest("li");
    place.current = row?.parentElement
      ? { list: row.parentElement, index: [...row.parentElement.children].indexOf(row) }
      : null;
    setBusy(key);
    setError(null);
    setDone(null);
    try {
      const response = await fetch(url, {
        method: "POST",
        headers: { "Content-Type": "application/json", Accept: "application/json" },
        body: JSON.stringify(body),
        cache: "no-store",
      });
      if (!response.ok) {
        const json: unknown = await response.json().catch(() => null);
        const failure = apiErrorFrom(response, json, beforeLeaving);
        if (failure.code === "mfa_required" && failure.nextUrl) {
          beforeLeaving?.();
          window.location.assign(failure.nextUrl);
          return false;
        }
        setError(failure);
        // A conflict means the request changed (another approver decided it, it was cancelled or
        // expired): the lists are reloaded so the page shows where it stands beside the message.
        if (response.status === 409) refresh();
        return false;
      }
      setDone(doneMessage);
      refresh();
      return true;
    } catch {
      setError(UNREACHABLE);
      return false;
    } finally {
      setBusy(null);
    }
  }

  return { busy, error, done, send, outcome };
}

/**
 * The refusal or confirmation of the last action, as the page shows it. The confirmation's live
 * region is always there, empty until an action lands: a region inserted together with its text is
 * often not read out. Empty, it takes no room.
 */
export function ActionOutcome({
  error,
  done,
  outcome,
}: {
  error: ApiErrorView | null;
  done: string | null;
  /** Where focus goes when the control that acted is gone (see useRequestAction). */
  outcome?: RefObject<HTMLDivElement | null>;
}) {
  return (
    <>
      {error && <ApiErrorAlert error={error} testId="request-error" />}
      <div ref={outcome} tabIndex={-1} role="status" className="empty:absolute">
        {!error && done && (
          <p className="text-sm text-emerald-800" data-testid="request-done">
            {done}
          </p>
        )}
      </div>
    </>
  );
}

"use client";

import { useRouter } from "next/navigation";
import { useState } from "react";
import { apiErrorFrom, UNREACHABLE, type ApiErrorView } from "../api-client";
import { ApiErrorAlert } from "../api-error-alert";

/**
 * Posts one access-request action (request, decide, cancel, end) and refreshes the page's lists
 * when it lands; a refusal keeps the API's message and request id to show.
 */
export function useRequestAction() {
  const router = useRouter();
  const [busy, setBusy] = useState<string | null>(null);
  const [error, setError] = useState<ApiErrorView | null>(null);
  const [done, setDone] = useState<string | null>(null);

  async function send(
    key: string,
    url: string,
    body: unknown,
    doneMessage: string,
  ): Promise<boolean> {
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
        const failure = apiErrorFrom(response, await response.json().catch(() => null));
        if (failure.code === "mfa_required" && failure.nextUrl) {
          window.location.assign(failure.nextUrl);
          return false;
        }
        setError(failure);
        // A conflict means the request changed (another approver decided it, it was cancelled or
        // expired): the lists are reloaded so the page shows where it stands beside the message.
        if (response.status === 409) router.refresh();
        return false;
      }
      setDone(doneMessage);
      router.refresh();
      return true;
    } catch {
      setError(UNREACHABLE);
      return false;
    } finally {
      setBusy(null);
    }
  }

  return { busy, error, done, send };
}

/**
 * The refusal or confirmation of the last action, as the page shows it. The confirmation's live
 * region is always there, empty until an action lands: a region inserted together with its text is
 * often not read out. Empty, it takes no room.
 */
export function ActionOutcome({
  error,
  done,
}: {
  error: ApiErrorView | null;
  done: string | null;
}) {
  return (
    <>
      {error && <ApiErrorAlert error={error} testId="request-error" />}
      <div role="status" className="empty:absolute">
        {!error && done && (
          <p className="text-sm text-emerald-800" data-testid="request-done">
            {done}
          </p>
        )}
      </div>
    </>
  );
}

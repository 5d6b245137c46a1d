"use client";

import { useActionState, useRef } from "react";
import type { LockFormState, UnlockFormState } from "@/app/admin/broker/actions";
import { MFA_CODE_INPUT_PATTERN } from "@/lib/aws/mfa-code";
import { useFocusFirstInvalid } from "./use-focus-first-invalid";
import { formatUtc, UtcTime } from "./utc-time";

const INITIAL: UnlockFormState = { ok: false, message: null, error: null };
const LOCK_INITIAL: LockFormState = { error: null };

export interface BrokerMfaView {
  isAvailable: boolean;
  unavailableReason: string | null;
  serialNumber: string | null;
  state: "locked" | "unlocked";
  /** ISO 8601, UTC. */
  expiresAt: string | null;
  /** Kept in the database for every replica, or in this process's memory only. */
  isShared: boolean;
}

/**
 * Unlocks the broker's MFA session (for roles whose trust policy requires MFA) with a code from
 * the broker's own MFA device, or locks it again.
 */
export function BrokerMfaForm({
  mfa,
  unlock,
  lock,
}: {
  mfa: BrokerMfaView;
  unlock: (state: UnlockFormState, form: FormData) => Promise<UnlockFormState>;
  lock: (state: LockFormState, form: FormData) => Promise<LockFormState>;
}) {
  const [state, formAction, isPending] = useActionState(unlock, INITIAL);
  const [lockState, lockAction, isLocking] = useActionState(lock, LOCK_INITIAL);
  const unlockForm = useRef<HTMLFormElement>(null);
  useFocusFirstInvalid(unlockForm, state, state.error !== null);
  const stateLine =
    mfa.state === "unlocked" ? (
      <>Unlocked until {mfa.expiresAt ? <UtcTime value={mfa.expiresAt} /> : "—"}</>
    ) : mfa.isAvailable ? (
      "Locked"
    ) : (
      `Unavailable: ${mfa.unavailableReason ?? ""}`
    );
  // The unlock's message says what the state line (live, so it is heard) now says, in the same
  // words and format: once is enough.
  const stateSentence =
    mfa.state === "unlocked" && mfa.expiresAt
      ? `Unlocked until ${formatUtc(mfa.expiresAt)}.`
      : null;
  const isMessageNew = state.message !== null && state.message !== stateSentence;
  return (
    <section
      className="space-y-3 rounded-xl border border-slate-200 bg-white p-4 shadow-sm"
      data-testid="broker-mfa"
    >
      <h2 className="font-semibold">MFA unlock</h2>
      <p className="text-sm text-slate-600">
        Roles marked &ldquo;requires broker MFA&rdquo; trust the broker only with
        aws:MultiFactorAuthPresent. They can be issued while the broker holds an MFA session,
        unlocked here with a code from the broker&apos;s MFA device.{" "}
        {mfa.isShared
          ? "The session is kept, sealed, in the database, so an unlock or a lock holds on every replica; it ends at its expiry or on \u201cLock\u201d."
          : "The session lives only in this server\u2019s memory (each replica is unlocked separately) and ends at its expiry, on \u201cLock\u201d, or on restart."}
      </p>
      <p className="text-sm" data-testid="broker-mfa-state" aria-live="polite">
        {stateLine}
        {mfa.serialNumber && (
          <>
            {" "}
            — device <code className="font-mono text-xs">{mfa.serialNumber}</code>
          </>
        )}
      </p>
      {isMessageNew && (
        <p role="status" className="rounded-md bg-emerald-50 px-3 py-2 text-sm text-emerald-800">
          {state.message}
        </p>
      )}
      {state.error && (
        <p
          id="broker-mfa-error"
          role="alert"
          className="rounded-md bg-red-50 px-3 py-2 text-sm text-red-800"
        >
          {state.error}
        </p>
      )}
      {lockState.error && (
        <p role="alert" className="rounded-md bg-red-50 px-3 py-2 text-sm text-red-800">
          {lockState.error}
        </p>
      )}
      {mfa.isAvailable && (
        <div className="flex flex-wrap items-end gap-3">
          <form ref={unlockForm} action={formAction} className="flex items-end gap-2">
            <label className="text-sm">
              MFA code
              <input
                name="tokenCode"
                inputMode="numeric"
                autoComplete="one-time-code"
                // Pasted as the authenticator shows it ("123 456"): spaces are allowed, and no
                // maxLength, which would silently cut the pasted code short.
                pattern={MFA_CODE_INPUT_PATTERN}
                title="The 6 digits your MFA device shows"
                aria-invalid={state.error ? true : undefined}
                aria-describedby={state.error ? "broker-mfa-error" : undefined}
                required
                className="mt-1 block w-32 rounded-md border border-slate-300 px-3 py-2 font-mono text-sm"
              />
            </label>
            <button
              type="submit"
              disabled={isPending}
              className="rounded-md bg-indigo-600 px-3 py-2 text-sm font-medium text-white hover:bg-indigo-700 disabled:opacity-50"
            >
              {isPending ? "Unlocking…" : "Unlock"}
            </button>
          </form>
          {mfa.state === "unlocked" && (
            <form action={lockAction}>
              <button
                type="submit"
                disabled={isLocking}
                className="rounded-md border border-slate-300 px-3 py-2 text-sm hover:bg-slate-100"
              >
                Lock
              </button>
            </form>
          )}
        </div>
      )}
    </section>
  );
}

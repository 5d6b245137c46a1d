"use client";

import { useCallback, useEffect, useRef, useState } from "react";

export type ToastKind = "success" | "info" | "error";

export interface ToastItem {
  id: number;
  kind: ToastKind;
  /** What the toast is about, e.g. "Production / Admin". */
  label: string;
  message: string;
  requestId: string | null;
}

/** How long a toast stays on screen; errors longer, since they carry a request id to copy. */
export const TOAST_LIFETIME_MS: Record<ToastKind, number> = {
  success: 5_000,
  info: 5_000,
  error: 12_000,
};

/** At most this many toasts at once; a new one pushes out the oldest. */
export const MAX_VISIBLE_TOASTS = 3;

/** The toasts kept after adding `toast`: the newest MAX_VISIBLE_TOASTS, oldest first. */
export function withToast(toasts: readonly ToastItem[], toast: ToastItem): ToastItem[] {
  return [...toasts, toast].slice(-MAX_VISIBLE_TOASTS);
}

/**
 * The toasts of the accounts page, newest on top, held at the bottom of the window while the page
 * scrolls (sticky, so at the end of the page they take their own room below the list and every row
 * can be scrolled clear of them). From `lg` up they sit over the role list's names column, clear of
 * every star and button (role-row.tsx), so they cover no control wherever the page is scrolled; a
 * narrower screen has no such column, and they run along the bottom (a phone: full width, clear of
 * the safe area). It leaves the top 18rem of the window free (taller, it scrolls), so it never
 * reaches the search bar. Render this last in the page's column. The stack itself lets clicks through; only the cards
 * catch them.
 * Each card closes itself after its lifetime (paused while hovered or focused) and has a Dismiss
 * button; errors are announced as alerts, the rest politely.
 */
export function ToastStack({
  toasts,
  onDismiss,
}: {
  toasts: readonly ToastItem[];
  onDismiss: (id: number) => void;
}) {
  return (
    <div
      data-testid="toast-stack"
      // p-2 keeps the cards' shadows inside the stack (it scrolls, so it clips): the cards sit
      // 0.5rem inside the offsets and widths given here.
      className={`pointer-events-none sticky bottom-[max(0.25rem,env(safe-area-inset-bottom))] z-50 flex max-h-[calc(100dvh-18rem)] flex-col gap-2 overflow-y-auto sm:bottom-2 sm:ml-auto sm:w-[25rem] lg:mr-0 lg:ml-14 lg:w-[32rem] ${
        toasts.length > 0 ? "mt-4 p-2" : ""
      }`}
    >
      {[...toasts].reverse().map((toast) => (
        <ToastCard key={toast.id} toast={toast} onDismiss={onDismiss} />
      ))}
    </div>
  );
}

function ToastCard({ toast, onDismiss }: { toast: ToastItem; onDismiss: (id: number) => void }) {
  const [isHeld, setIsHeld] = useState(false);
  const remainingMs = useRef(TOAST_LIFETIME_MS[toast.kind]);
  const dismiss = useCallback(() => onDismiss(toast.id), [onDismiss, toast.id]);

  useEffect(() => {
    if (isHeld) return;
    const startedAt = Date.now();
    const timer = window.setTimeout(dismiss, remainingMs.current);
    return () => {
      window.clearTimeout(timer);
      remainingMs.current = Math.max(1_000, remainingMs.current - (Date.now() - startedAt));
    };
  }, [isHeld, dismiss]);

  const isError = toast.kind === "error";
  return (
    <div
      role={isError ? "alert" : "status"}
      aria-live={isError ? "assertive" : "polite"}
      data-testid={isError ? "issue-error" : "toast"}
      onMouseEnter={() => setIsHeld(true)}
      onMouseLeave={() => setIsHeld(false)}
      onFocus={() => setIsHeld(true)}
      onBlur={(event) => {
        if (!event.currentTarget.contains(event.relatedTarget)) setIsHeld(false);
      }}
      className={`pointer-events-auto flex items-start gap-3 rounded-md border px-3 py-2 text-sm shadow-lg ${
        isError
          ? "border-red-200 bg-red-50 text-red-800"
          : "border-slate-200 bg-white text-slate-800"
      }`}
    >
      <div className="min-w-0 flex-1">
        <p className="text-xs font-medium text-slate-600">{toast.label}</p>
        <p className="mt-0.5 break-words">{toast.message}</p>
        {toast.requestId && (
          <p className="mt-1 text-xs text-red-700">
            Request id: <code className="font-mono">{toast.requestId}</code>
          </p>
        )}
      </div>
      <button
        type="button"
        onClick={dismiss}
        aria-label="Dismiss"
        className="-m-1 rounded p-1 leading-none opacity-70 hover:opacity-100"
      >
        ×
      </button>
    </div>
  );
}

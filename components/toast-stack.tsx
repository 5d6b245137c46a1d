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
 * The toasts of a page, fixed at the bottom right (on a phone: full width along the bottom edge,
 * clear of the safe area), newest on top. The stack itself lets clicks through; only the cards
 * catch them. A spacer as tall as the stack ends the page's content, so every row can be scrolled
 * clear of the toasts (render this last in the page).
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
  const stackRef = useRef<HTMLDivElement>(null);
  const [stackHeight, setStackHeight] = useState(0);
  useEffect(() => {
    const stack = stackRef.current;
    if (!stack) return;
    const observer = new ResizeObserver(() => setStackHeight(stack.offsetHeight));
    observer.observe(stack);
    return () => observer.disconnect();
  }, []);

  return (
    <>
      <div aria-hidden="true" style={{ height: toasts.length > 0 ? stackHeight + 24 : 0 }} />
      <div
        ref={stackRef}
        data-testid="toast-stack"
        className="pointer-events-none fixed inset-x-3 bottom-[max(0.75rem,env(safe-area-inset-bottom))] z-50 flex flex-col gap-2 sm:inset-x-auto sm:right-4 sm:bottom-4 sm:w-96"
      >
        {[...toasts].reverse().map((toast) => (
          <ToastCard key={toast.id} toast={toast} onDismiss={onDismiss} />
        ))}
      </div>
    </>
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

"use client";

import { useCallback, useRef, useState } from "react";
import type { ApiErrorView } from "./api-client";
import { withAccessChangedHint } from "./issuance-error";
import { withToast, type ToastItem } from "./toast-stack";

/** The accounts page's error toasts: one per failed action, named by what it was about. */
export function useErrorToasts() {
  const [toasts, setToasts] = useState<ToastItem[]>([]);
  const nextId = useRef(0);
  const addToast = useCallback((label: string, error: ApiErrorView) => {
    nextId.current += 1;
    const id = nextId.current;
    const { message, requestId } = withAccessChangedHint(error);
    setToasts((prev) => withToast(prev, { id, kind: "error", label, message, requestId }));
  }, []);
  const dismissToast = useCallback(
    (id: number) => setToasts((prev) => prev.filter((t) => t.id !== id)),
    [],
  );
  return { toasts, addToast, dismissToast };
}

"use client";

import { useCallback, useSyncExternalStore } from "react";

const CHANGE_EVENT = "gatehouse:stored-choice";

/**
 * A choice remembered in localStorage (e.g. the console region). The server render uses the
 * fallback; the browser switches to the stored value after hydration without a mismatch.
 */
export function useStoredChoice(
  key: string,
  fallback: string,
  isValid: (value: string) => boolean,
): [string, (value: string) => void] {
  const subscribe = useCallback((onChange: () => void) => {
    window.addEventListener("storage", onChange);
    window.addEventListener(CHANGE_EVENT, onChange);
    return () => {
      window.removeEventListener("storage", onChange);
      window.removeEventListener(CHANGE_EVENT, onChange);
    };
  }, []);
  const value = useSyncExternalStore(
    subscribe,
    () => {
      const stored = window.localStorage.getItem(key);
      return stored !== null && isValid(stored) ? stored : fallback;
    },
    () => fallback,
  );
  const setValue = useCallback(
    (next: string) => {
      window.localStorage.setItem(key, next);
      window.dispatchEvent(new Event(CHANGE_EVENT));
    },
    [key],
  );
  return [value, setValue];
}

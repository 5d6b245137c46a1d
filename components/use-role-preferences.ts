"use client";

import { useCallback } from "react";
import type { DurationBoundsView } from "@/lib/access/group-by-account";
import { useStoredChoice } from "./use-stored-choice";

const DESTINATION_KEY = "gatehouse.consoleDestination";
const MAX_DESTINATION_CHARS = 2048;

/**
 * The session length chosen for one role (console and CLI alike), remembered in this browser; null
 * means "the role's default". A stored value the role no longer allows (its rule changed) is
 * ignored rather than sent to be refused.
 */
export function useRoleDuration(
  roleId: string,
  bounds: DurationBoundsView,
): [number | null, (seconds: number | null) => void] {
  const isValid = useCallback(
    (value: string) => {
      if (value === "") return true;
      const n = Number(value);
      return Number.isInteger(n) && n >= bounds.minSeconds && n <= bounds.maxSeconds;
    },
    [bounds.minSeconds, bounds.maxSeconds],
  );
  const [stored, store] = useStoredChoice(`gatehouse.sessionSeconds.${roleId}`, "", isValid);
  const set = useCallback(
    (seconds: number | null) => store(seconds === null ? "" : String(seconds)),
    [store],
  );
  return [stored === "" ? null : Number(stored), set];
}

/** The console destination last chosen (a service id, a console path or URL); "" is the home. */
export function useConsoleDestination(): [string, (destination: string) => void] {
  const isValid = useCallback((value: string) => value.length <= MAX_DESTINATION_CHARS, []);
  return useStoredChoice(DESTINATION_KEY, "", isValid);
}

/** The remembered session length for a role, read outside React (e.g. on a key press). */
export function readRoleDuration(roleId: string, bounds: DurationBoundsView): number | null {
  const value = window.localStorage.getItem(`gatehouse.sessionSeconds.${roleId}`);
  if (value === null || value === "") return null;
  const n = Number(value);
  return Number.isInteger(n) && n >= bounds.minSeconds && n <= bounds.maxSeconds ? n : null;
}

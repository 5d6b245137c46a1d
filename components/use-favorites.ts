"use client";

import { useCallback, useState } from "react";
import { signInAgain, UNREACHABLE, type ApiErrorView } from "./api-client";
import { keepAccountsAction } from "./kept-accounts-action";

/** PUT or DELETE /api/favorites/{roleId}; null when it worked. */
async function sendFavorite(roleId: string, isFavorite: boolean): Promise<ApiErrorView | null> {
  let response: Response;
  try {
    response = await fetch(`/api/favorites/${encodeURIComponent(roleId)}`, {
      method: isFavorite ? "PUT" : "DELETE",
      headers: { Accept: "application/json" },
      cache: "no-store",
    });
  } catch {
    return UNREACHABLE;
  }
  if (response.ok) return null;
  if (response.status === 401) {
    // The session ended: sign in again, and the accounts page saves this star once back.
    signInAgain(() => keepAccountsAction({ kind: "favorite", roleId, isFavorite }));
  }
  const body = (await response.json().catch(() => null)) as {
    error?: { message?: unknown; code?: unknown; requestId?: unknown };
  } | null;
  return {
    message:
      typeof body?.error?.message === "string"
        ? body.error.message
        : `The favorite could not be saved (HTTP ${response.status}).`,
    code: typeof body?.error?.code === "string" ? body.error.code : null,
    requestId:
      typeof body?.error?.requestId === "string"
        ? body.error.requestId
        : response.headers.get("x-request-id"),
    awsErrorCode: null,
    nextUrl: null,
  };
}

/**
 * Favorites as the server rendered them, changed optimistically: the star flips at once, and flips
 * back (with the error reported) if the server refuses.
 */
export function useFavorites(onError: (roleId: string, error: ApiErrorView) => void): {
  isFavorite: (roleId: string, initial: boolean) => boolean;
  toggle: (roleId: string, current: boolean) => void;
} {
  const [overrides, setOverrides] = useState<ReadonlyMap<string, boolean>>(new Map());

  const isFavorite = useCallback(
    (roleId: string, initial: boolean) => overrides.get(roleId) ?? initial,
    [overrides],
  );

  const toggle = useCallback(
    (roleId: string, current: boolean) => {
      const next = !current;
      const set = (value: boolean) => setOverrides((prev) => new Map(prev).set(roleId, value));
      set(next);
      void sendFavorite(roleId, next).then((error) => {
        if (!error) return;
        set(current);
        onError(roleId, error);
      });
    },
    [onError],
  );

  return { isFavorite, toggle };
}

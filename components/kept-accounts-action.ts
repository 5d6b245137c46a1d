"use client";

import type { ConsoleRequest } from "./console-actions";
import { keepForSignIn, keptString, takeKept } from "./kept-for-sign-in";

/**
 * What a click on the accounts page meant when it met an ended session: the console or the CLI
 * credentials of a role (offered again with one button, since both issue credentials), or a star
 * (saved again at once: it issues nothing and only this tab can have kept it).
 */
export type KeptAccountsAction =
  | { kind: "console"; roleId: string; request: ConsoleRequest | null }
  | { kind: "credentials"; roleId: string }
  | { kind: "favorite"; roleId: string; isFavorite: boolean };

const KEY = "accounts-action";

export function keepAccountsAction(action: KeptAccountsAction): void {
  keepForSignIn(KEY, action);
}

/** The console request kept with the action (region, destination, length), checked field by field. */
function consoleRequestOf(value: unknown): ConsoleRequest | null {
  const region = keptString(value, "region");
  if (region === null) return null;
  const destination = keptString(value, "destination");
  const duration = (value as { durationSeconds?: unknown }).durationSeconds;
  return {
    region,
    ...(destination ? { destination } : {}),
    ...(typeof duration === "number" && Number.isInteger(duration)
      ? { durationSeconds: duration }
      : {}),
  };
}

/** The action kept by this tab before it signed in again, or null; read once. */
export function takeAccountsAction(): KeptAccountsAction | null {
  const kept = takeKept(KEY);
  const roleId = keptString(kept, "roleId");
  if (roleId === null) return null;
  const { kind, isFavorite, request } = kept as {
    kind?: unknown;
    isFavorite?: unknown;
    request?: unknown;
  };
  if (kind === "credentials") return { kind, roleId };
  if (kind === "console") return { kind, roleId, request: consoleRequestOf(request) };
  if (kind === "favorite" && typeof isFavorite === "boolean") return { kind, roleId, isFavorite };
  return null;
}

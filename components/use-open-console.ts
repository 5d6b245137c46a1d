"use client";

import { useCallback, useState } from "react";
import { deepLinkPath } from "@/lib/access/deep-link-path";
import type { AccountView, RoleView } from "@/lib/access/group-by-account";
import { localError, type ApiErrorView } from "./api-client";
import { openConsoleTab, type ConsoleRequest } from "./console-actions";
import { keepAccountsAction } from "./kept-accounts-action";
import type { LayoutRow } from "./role-list-layout";
import { readRoleDuration } from "./use-role-preferences";

/**
 * The role's console deep link with the chosen region and destination: where the browser continues
 * after a trip to the IdP's AWS app or an MFA step-up, opening the console without another click.
 */
function consoleDeepLinkOf(account: AccountView, role: RoleView, request: ConsoleRequest): string {
  return deepLinkPath({
    account: account.accountId,
    role: role.roleName,
    region: request.region,
    ...(request.destination ? { destination: request.destination } : {}),
  });
}

/**
 * Console from the accounts page: the role's remembered session length, the page's region and
 * destination (or what the console options chose), a new tab, and which role is opening meanwhile.
 */
export function useOpenConsole(opts: {
  region: string;
  destination: string;
  onError: (label: string, error: ApiErrorView) => void;
  onOpened: (roleId: string) => void;
}) {
  const { region, destination, onError, onOpened } = opts;
  const [openingRoleId, setOpeningRoleId] = useState<string | null>(null);
  const openConsole = useCallback(
    async (row: LayoutRow, request?: ConsoleRequest) => {
      const { role, account } = row;
      const label = `${account.name} / ${role.roleName}`;
      if (!role.allowConsole) {
        onError(label, localError("This role is for CLI credentials only."));
        return;
      }
      const durationSeconds = readRoleDuration(role.roleId, role.duration);
      const chosen = request ?? {
        region,
        ...(durationSeconds !== null ? { durationSeconds } : {}),
        ...(destination ? { destination } : {}),
      };
      setOpeningRoleId(role.roleId);
      // A session that ended meanwhile: after signing in again this page offers the same console.
      const keep = () =>
        keepAccountsAction({ kind: "console", roleId: role.roleId, request: request ?? null });
      const error = await openConsoleTab(
        role.roleId,
        { ...chosen, returnTo: consoleDeepLinkOf(account, role, chosen) },
        keep,
      );
      setOpeningRoleId(null);
      if (error) onError(label, error);
      else onOpened(role.roleId);
    },
    [region, destination, onError, onOpened],
  );
  return { openConsole, openingRoleId };
}

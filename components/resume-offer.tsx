"use client";

import { useEffect, useRef } from "react";
import { useLatest } from "./use-latest";
import type { ConsoleRequest } from "./console-actions";
import { takeAccountsAction } from "./kept-accounts-action";
import type { LayoutRow } from "./role-list-layout";
import { credentialsResumePath, readIntent } from "./resume-intent";
import type { SearchEntry } from "@/lib/access/role-search";

/** An action offered again after a trip away: one role's CLI credentials or console. */
export type ResumeChoice =
  | { kind: "credentials"; row: LayoutRow }
  | { kind: "console"; row: LayoutRow; request: ConsoleRequest | null };

function resumeRowOf(entry: SearchEntry): LayoutRow {
  return {
    key: `resume:${entry.role.roleId}`,
    context: "account",
    role: entry.role,
    account: entry.account,
    top: 0,
  };
}

/**
 * Back from signing in again after the session ended under a click (kept-accounts-action): the
 * console or CLI credentials asked for are offered with one button — issuing stays a deliberate
 * click, whoever signed in and however long it took — and a star is saved as it was clicked.
 * A role this sign-in no longer has is dropped.
 */
export function useKeptAccountsAction(
  index: readonly SearchEntry[],
  actions: {
    offer: (choice: ResumeChoice) => void;
    setFavorite: (roleId: string, isFavorite: boolean) => void;
  },
): void {
  const checked = useRef(false);
  const latest = useLatest(actions);
  useEffect(() => {
    if (checked.current) return;
    checked.current = true;
    const kept = takeAccountsAction();
    const entry = kept && index.find((e) => e.role.roleId === kept.roleId);
    if (!kept || !entry) return;
    void Promise.resolve().then(() => {
      if (kept.kind === "favorite") latest.current.setFavorite(kept.roleId, kept.isFavorite);
      else if (kept.kind === "console" && entry.role.allowConsole)
        latest.current.offer({ kind: "console", row: resumeRowOf(entry), request: kept.request });
      else if (kept.kind === "credentials" && entry.role.allowCli)
        latest.current.offer({ kind: "credentials", row: resumeRowOf(entry) });
    });
  }, [index, latest]);
}

/**
 * Back from a trip away (the IdP's AWS app, an MFA step-up) with `/accounts?credentials=<role>`:
 * reopens that role's CLI credentials at once if this tab asked for them (docs/SAML-IDENTITY.md,
 * "Roles reached through the AWS app"), else offers them with one button. Either way the address
 * loses the parameter first, so a reload or a shared link never issues again.
 */
export function useResumeCredentials(
  roleId: string | null,
  index: readonly SearchEntry[],
  actions: { open: (row: LayoutRow) => void; offer: (choice: ResumeChoice) => void },
): void {
  const checked = useRef(false);
  const latest = useLatest(actions);
  useEffect(() => {
    if (checked.current || roleId === null) return;
    checked.current = true;
    window.history.replaceState(window.history.state, "", "/accounts");
    const intended = readIntent(credentialsResumePath(roleId));
    const entry = index.find((e) => e.role.roleId === roleId);
    if (!entry?.role.allowCli) return;
    const row = resumeRowOf(entry);
    void Promise.resolve().then(() =>
      intended ? latest.current.open(row) : latest.current.offer({ kind: "credentials", row }),
    );
  }, [roleId, index, latest]);
}

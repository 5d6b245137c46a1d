"use client";

import { useEffect, useRef } from "react";
import type { LayoutRow } from "./role-list-layout";
import { credentialsResumePath, readIntent } from "./resume-intent";
import type { SearchEntry } from "@/lib/access/role-search";

/**
 * Back from a trip away (the IdP's AWS app, an MFA step-up) with `/accounts?credentials=<role>`:
 * reopens that role's CLI credentials at once if this tab asked for them (docs/SAML-IDENTITY.md,
 * "Roles reached through the AWS app"), else offers them with one button. Either way the address
 * loses the parameter first, so a reload or a shared link never issues again.
 */
export function useResumeCredentials(
  roleId: string | null,
  index: readonly SearchEntry[],
  actions: { open: (row: LayoutRow) => void; offer: (row: LayoutRow) => void },
): void {
  const checked = useRef(false);
  const latest = useRef(actions);
  useEffect(() => {
    latest.current = actions;
  });
  useEffect(() => {
    if (checked.current || roleId === null) return;
    checked.current = true;
    window.history.replaceState(window.history.state, "", "/accounts");
    const intended = readIntent(credentialsResumePath(roleId));
    const entry = index.find((e) => e.role.roleId === roleId);
    if (!entry?.role.allowCli) return;
    const row: LayoutRow = {
      key: `resume:${entry.role.roleId}`,
      context: "account",
      role: entry.role,
      account: entry.account,
      top: 0,
    };
    void Promise.resolve().then(() =>
      intended ? latest.current.open(row) : latest.current.offer(row),
    );
  }, [roleId, index]);
}

/** "Ready to continue": the CLI credentials asked for before the trip, one click away. */
export function ResumeOffer({
  row,
  onContinue,
  onDismiss,
}: {
  row: LayoutRow;
  onContinue: () => void;
  onDismiss: () => void;
}) {
  return (
    <div
      role="status"
      className="mt-4 flex flex-wrap items-center gap-3 rounded-md border border-indigo-200 bg-indigo-50 px-3 py-2 text-sm text-indigo-900"
      data-testid="resume-offer"
    >
      <span>
        Ready to continue: CLI credentials for{" "}
        <strong>
          {row.account.name} / {row.role.roleName}
        </strong>
        .
      </span>
      <button
        type="button"
        onClick={onContinue}
        className="rounded-md bg-indigo-600 px-3 py-1.5 font-medium text-white hover:bg-indigo-500"
      >
        Get CLI credentials
      </button>
      <button
        type="button"
        onClick={onDismiss}
        className="rounded-md border border-indigo-300 px-3 py-1.5 text-indigo-900 hover:bg-indigo-100"
      >
        Dismiss
      </button>
    </div>
  );
}

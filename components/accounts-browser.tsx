"use client";

import { useCallback, useMemo, useState } from "react";
import type { AccountView, RoleView } from "@/lib/access/group-by-account";
import { postJson, type ApiErrorView } from "./api-client";
import { CredentialsDialog } from "./credentials-dialog";
import { EnvironmentBadge } from "./environment-badge";
import { ErrorNotice } from "./error-notice";
import { formatDuration } from "./format-duration";
import { useStoredChoice } from "./use-stored-choice";

export type { AccountView } from "@/lib/access/group-by-account";

const REGION_STORAGE_KEY = "gatehouse.region";

/** Every search term must appear in the account or the role (name, id, environment, description). */
export function filterAccounts(accounts: readonly AccountView[], query: string): AccountView[] {
  const terms = query.toLowerCase().split(/\s+/).filter(Boolean);
  if (terms.length === 0) return [...accounts];
  const result: AccountView[] = [];
  for (const account of accounts) {
    const accountText =
      `${account.name} ${account.accountId} ${account.environment} ${account.description}`.toLowerCase();
    const roles = account.roles.filter((role) => {
      const text = `${accountText} ${role.roleName} ${role.description}`.toLowerCase();
      return terms.every((t) => text.includes(t));
    });
    if (roles.length > 0) result.push({ ...account, roles });
  }
  return result;
}

export function AccountsBrowser({
  accounts,
  regions,
  defaultRegion,
}: {
  accounts: AccountView[];
  regions: ReadonlyArray<{ code: string; name: string }>;
  defaultRegion: string;
}) {
  const [query, setQuery] = useState("");
  const isKnownRegion = useCallback(
    (code: string) => regions.some((r) => r.code === code),
    [regions],
  );
  const [region, setRegion] = useStoredChoice(REGION_STORAGE_KEY, defaultRegion, isKnownRegion);
  const [credentialsFor, setCredentialsFor] = useState<{
    account: AccountView;
    role: RoleView;
  } | null>(null);

  const visible = useMemo(() => filterAccounts(accounts, query), [accounts, query]);
  const roleCount = accounts.reduce((n, a) => n + a.roles.length, 0);

  return (
    <div>
      <div className="flex flex-wrap items-end justify-between gap-4">
        <div>
          <h1 className="text-2xl font-semibold">Your AWS accounts</h1>
          <p className="mt-1 text-sm text-slate-600">
            {accounts.length} {accounts.length === 1 ? "account" : "accounts"}, {roleCount}{" "}
            {roleCount === 1 ? "role" : "roles"}
          </p>
        </div>
        <label className="text-sm text-slate-600">
          Region
          <select
            value={region}
            onChange={(e) => setRegion(e.target.value)}
            className="ml-2 rounded-md border border-slate-300 bg-white px-2 py-1.5 text-slate-900"
            data-testid="region-select"
          >
            {regions.map((r) => (
              <option key={r.code} value={r.code}>
                {r.code} — {r.name}
              </option>
            ))}
          </select>
        </label>
      </div>

      <input
        type="search"
        value={query}
        onChange={(e) => setQuery(e.target.value)}
        placeholder="Search accounts and roles (name, id, environment)…"
        aria-label="Search accounts and roles"
        className="mt-6 w-full rounded-lg border border-slate-300 bg-white px-4 py-2.5 shadow-sm outline-none focus:border-indigo-500 focus:ring-2 focus:ring-indigo-200"
        autoFocus
      />

      {visible.length === 0 ? (
        <p className="mt-8 text-center text-slate-500" data-testid="no-match">
          No account or role matches “{query}”.
        </p>
      ) : (
        <ul className="mt-6 space-y-4">
          {visible.map((account) => (
            <li
              key={account.accountId}
              className="overflow-hidden rounded-xl border border-slate-200 bg-white shadow-sm"
              data-testid="account"
            >
              <div className="flex flex-wrap items-center gap-3 border-b border-slate-100 bg-slate-50/60 px-4 py-3">
                <h2 className="font-semibold" data-testid="account-name">
                  {account.name}
                </h2>
                <code className="font-mono text-sm text-slate-500" data-testid="account-id">
                  {account.accountId}
                </code>
                <EnvironmentBadge environment={account.environment} />
                {account.description && (
                  <span className="text-sm text-slate-500">{account.description}</span>
                )}
              </div>
              <ul className="divide-y divide-slate-100">
                {account.roles.map((role) => (
                  <RoleRow
                    key={role.roleId}
                    role={role}
                    region={region}
                    onCli={() => setCredentialsFor({ account, role })}
                  />
                ))}
              </ul>
            </li>
          ))}
        </ul>
      )}

      {credentialsFor && (
        <CredentialsDialog
          roleId={credentialsFor.role.roleId}
          title={`${credentialsFor.account.name} / ${credentialsFor.role.roleName}`}
          region={region}
          onClose={() => setCredentialsFor(null)}
        />
      )}
    </div>
  );
}

function RoleRow({ role, region, onCli }: { role: RoleView; region: string; onCli: () => void }) {
  const [isOpening, setIsOpening] = useState(false);
  const [error, setError] = useState<ApiErrorView | null>(null);

  async function openConsole() {
    setIsOpening(true);
    setError(null);
    // Open the tab during the click (popup blockers allow that), then point it at the sign-in URL.
    const tab = window.open("", "_blank");
    const result = await postJson<{ signinUrl: string }>(`/api/roles/${role.roleId}/console`, {
      region,
    });
    setIsOpening(false);
    if (!result.ok) {
      tab?.close();
      if (result.error.nextUrl) {
        // A SAML-federated role: fetch an AWS assertion from the IdP's AWS app, then come back.
        window.location.assign(result.error.nextUrl);
        return;
      }
      setError(result.error);
      return;
    }
    if (tab) {
      tab.opener = null;
      tab.location.href = result.data.signinUrl;
    } else {
      window.location.assign(result.data.signinUrl);
    }
  }

  return (
    <li className="px-4 py-3" data-testid="role" data-role-id={role.roleId}>
      <div className="flex flex-wrap items-center gap-3">
        <div className="min-w-0 flex-1">
          <p className="font-medium" data-testid="role-name">
            {role.roleName}
          </p>
          <p className="text-sm text-slate-500">{role.description}</p>
        </div>
        <span className="text-xs text-slate-500" title="Longest session you can get for this role">
          up to {formatDuration(role.maxSessionDurationSeconds)}
        </span>
        {role.allowConsole && (
          <button
            type="button"
            onClick={() => void openConsole()}
            disabled={isOpening}
            className="rounded-md bg-indigo-600 px-3 py-1.5 text-sm font-medium text-white hover:bg-indigo-500 disabled:opacity-60"
          >
            {isOpening ? "Opening…" : "Console"}
          </button>
        )}
        {role.allowCli && (
          <button
            type="button"
            onClick={onCli}
            className="rounded-md border border-slate-300 px-3 py-1.5 text-sm font-medium text-slate-700 hover:bg-slate-100"
          >
            CLI credentials
          </button>
        )}
      </div>
      {error && (
        <div className="mt-2">
          <ErrorNotice error={error} onDismiss={() => setError(null)} />
        </div>
      )}
    </li>
  );
}

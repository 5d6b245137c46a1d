"use client";

import { useCallback, useEffect, useMemo, useRef, useState } from "react";
import { deepLinkPath } from "@/lib/access/deep-link";
import type { AccountView, RoleView } from "@/lib/access/group-by-account";
import type { ApiErrorView } from "./api-client";
import { openConsoleTab, type ConsoleRequest } from "./console-actions";
import { ConsoleOptions } from "./console-options";
import { CredentialsDialog } from "./credentials-dialog";
import { withAccessChangedHint } from "./issuance-error";
import { KeyboardShortcuts } from "./keyboard-shortcuts";
import { formatRelativeTime } from "./relative-time";
import { credentialsResumePath, readIntent } from "./resume-intent";
import { RoleList } from "./role-list";
import { layoutRoleList, ROW_HEIGHT, type LayoutRow } from "./role-list-layout";
import type { RoleRowHandlers } from "./role-row";
import { buildSearchIndex, searchAccounts } from "./role-search";
import { useFavorites } from "./use-favorites";
import { useKeyboardNavigation } from "./use-keyboard-navigation";
import { readRoleDuration, useConsoleDestination } from "./use-role-preferences";
import { ToastStack, withToast, type ToastItem } from "./toast-stack";
import { useStoredChoice } from "./use-stored-choice";

export type { AccountView } from "@/lib/access/group-by-account";

const REGION_STORAGE_KEY = "gatehouse.region";
/** Above this many roles only the rows on screen are rendered. */
export const WINDOWING_THRESHOLD = 200;
const RECENT_LIMIT = 8;

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

/** "eu-west-1 (Europe (Ireland))": how the region picker names a region. */
function regionLabel(regions: ReadonlyArray<{ code: string; name: string }>, code: string): string {
  const name = regions.find((r) => r.code === code)?.name;
  return name ? `${code} (${name})` : code;
}

function noticeError(message: string): ApiErrorView {
  return { message, code: null, requestId: null, awsErrorCode: null, nextUrl: null };
}

/**
 * The accounts page: Favorites, Recently used and every account with its roles; instant search;
 * keyboard control; Console (with a destination, session length and copy menu) and CLI
 * credentials per role. Big lists (thousands of roles) render only what is on screen.
 */
export function AccountsBrowser({
  accounts,
  regions,
  defaultRegion,
  serverNow,
  resumeCredentialsFor = null,
}: {
  accounts: AccountView[];
  regions: ReadonlyArray<{ code: string; name: string }>;
  defaultRegion: string;
  /**
   * A role whose CLI credentials the user asked for before a trip away (the IdP's AWS app, an MFA
   * step-up): reopened at once if this tab recorded that intent, else offered with one button.
   */
  resumeCredentialsFor?: string | null;
  /** The server's clock when the page was rendered: "used 3 h ago" renders the same on both sides. */
  serverNow: string;
}) {
  const [query, setQuery] = useState("");
  const isKnownRegion = useCallback(
    (code: string) => regions.some((r) => r.code === code),
    [regions],
  );
  const [region, setRegion] = useStoredChoice(REGION_STORAGE_KEY, defaultRegion, isKnownRegion);
  const [destination] = useConsoleDestination();
  const [highlightKey, setHighlightKey] = useState<string | null>(null);
  const [credentialsFor, setCredentialsFor] = useState<LayoutRow | null>(null);
  const [offeredResume, setOfferedResume] = useState<LayoutRow | null>(null);
  const [menuFor, setMenuFor] = useState<{ row: LayoutRow; anchor: HTMLElement } | null>(null);
  const [isHelpOpen, setIsHelpOpen] = useState(false);
  const [openingRoleId, setOpeningRoleId] = useState<string | null>(null);
  const [toasts, setToasts] = useState<ToastItem[]>([]);
  const [usedNow, setUsedNow] = useState<ReadonlyMap<string, string>>(new Map());
  const [now, setNow] = useState(() => new Date(serverNow));
  const searchRef = useRef<HTMLInputElement>(null);
  const listRef = useRef<HTMLDivElement>(null);
  const toolbarRef = useRef<HTMLDivElement>(null);
  const toastId = useRef(0);

  useEffect(() => {
    const timer = window.setInterval(() => setNow(new Date()), 60_000);
    return () => window.clearInterval(timer);
  }, []);

  const addToast = useCallback((label: string, error: ApiErrorView) => {
    toastId.current += 1;
    const id = toastId.current;
    const { message, requestId } = withAccessChangedHint(error);
    setToasts((prev) => withToast(prev, { id, kind: "error", label, message, requestId }));
  }, []);
  const dismissToast = useCallback(
    (id: number) => setToasts((prev) => prev.filter((t) => t.id !== id)),
    [],
  );

  const index = useMemo(() => buildSearchIndex(accounts), [accounts]);

  const resumeChecked = useRef(false);
  useEffect(() => {
    if (resumeChecked.current || resumeCredentialsFor === null) return;
    resumeChecked.current = true;
    // Reloading or sharing the address must not issue again: drop the parameter first.
    window.history.replaceState(window.history.state, "", "/accounts");
    const intended = readIntent(credentialsResumePath(resumeCredentialsFor));
    const entry = index.find((e) => e.role.roleId === resumeCredentialsFor);
    if (!entry?.role.allowCli) return;
    const row: LayoutRow = {
      key: `resume:${entry.role.roleId}`,
      context: "account",
      role: entry.role,
      account: entry.account,
      top: 0,
    };
    void Promise.resolve().then(() => (intended ? setCredentialsFor(row) : setOfferedResume(row)));
  }, [resumeCredentialsFor, index]);
  const labelOf = useCallback(
    (roleId: string) => {
      const entry = index.find((e) => e.role.roleId === roleId);
      return entry ? `${entry.account.name} / ${entry.role.roleName}` : "Favorite";
    },
    [index],
  );
  const onFavoriteError = useCallback(
    (roleId: string, error: ApiErrorView) => addToast(labelOf(roleId), error),
    [addToast, labelOf],
  );
  const favorites = useFavorites(onFavoriteError);

  const lastUsedOf = useCallback(
    (role: RoleView) => usedNow.get(role.roleId) ?? role.lastUsedAt,
    [usedNow],
  );
  const pinned = useMemo(() => {
    const favorite = index.filter((e) => favorites.isFavorite(e.role.roleId, e.role.isFavorite));
    const recent = index
      .filter((e) => lastUsedOf(e.role) !== null)
      .sort((a, b) => (lastUsedOf(b.role) ?? "").localeCompare(lastUsedOf(a.role) ?? ""))
      .slice(0, RECENT_LIMIT);
    return { favorite, recent };
  }, [index, favorites, lastUsedOf]);

  const matches = useMemo(() => searchAccounts(index, query), [index, query]);
  const isSearching = query.trim() !== "";
  const layout = useMemo(
    () =>
      layoutRoleList({
        favorites: isSearching ? [] : pinned.favorite,
        recents: isSearching ? [] : pinned.recent,
        matches,
      }),
    [isSearching, pinned, matches],
  );
  const roleCount = index.length;
  const matchCount = matches.reduce((n, m) => n + m.roles.length, 0);

  // The highlight follows the search: typing highlights the first match, so Enter opens it.
  const highlighted =
    layout.rows.find((r) => r.key === highlightKey) ?? (isSearching ? layout.rows[0] : undefined);

  const scrollIntoView = useCallback((row: LayoutRow) => {
    const list = listRef.current;
    if (!list) return;
    const listTop = list.getBoundingClientRect().top + window.scrollY;
    const stickyHeight = toolbarRef.current?.getBoundingClientRect().height ?? 0;
    const top = listTop + row.top;
    const bottom = top + ROW_HEIGHT;
    const margin = 12;
    if (top < window.scrollY + stickyHeight + margin) {
      window.scrollTo({ top: Math.max(0, top - stickyHeight - margin) });
    } else if (bottom > window.scrollY + window.innerHeight - margin) {
      window.scrollTo({ top: bottom - window.innerHeight + margin });
    }
  }, []);

  const markUsed = useCallback((roleId: string) => {
    setUsedNow((prev) => new Map(prev).set(roleId, new Date().toISOString()));
    setNow(new Date());
  }, []);

  const openConsole = useCallback(
    async (row: LayoutRow, request?: ConsoleRequest) => {
      const { role, account } = row;
      if (!role.allowConsole) {
        addToast(
          `${account.name} / ${role.roleName}`,
          noticeError("This role is for CLI credentials only."),
        );
        return;
      }
      const durationSeconds = readRoleDuration(role.roleId, role.duration);
      const chosen = request ?? {
        region,
        ...(durationSeconds !== null ? { durationSeconds } : {}),
        ...(destination ? { destination } : {}),
      };
      setOpeningRoleId(role.roleId);
      const error = await openConsoleTab(role.roleId, {
        ...chosen,
        returnTo: consoleDeepLinkOf(account, role, chosen),
      });
      setOpeningRoleId(null);
      if (error) addToast(`${account.name} / ${role.roleName}`, error);
      else markUsed(role.roleId);
    },
    [region, destination, addToast, markUsed],
  );

  const openCli = useCallback(
    (row: LayoutRow) => {
      if (!row.role.allowCli) {
        addToast(
          `${row.account.name} / ${row.role.roleName}`,
          noticeError("This role is for the console only."),
        );
        return;
      }
      setMenuFor(null);
      setOfferedResume(null);
      setCredentialsFor(row);
    },
    [addToast],
  );

  const toggleFavorite = useCallback(
    (row: LayoutRow) =>
      favorites.toggle(row.role.roleId, favorites.isFavorite(row.role.roleId, row.role.isFavorite)),
    [favorites],
  );

  // Rows get one stable handlers object; it calls the latest callbacks through a ref, so a
  // re-render of the page doesn't re-render every (memoized) row.
  const latest = useRef({ openConsole, openCli, toggleFavorite });
  useEffect(() => {
    latest.current = { openConsole, openCli, toggleFavorite };
  });
  const handlers = useMemo<RoleRowHandlers>(
    () => ({
      onSelect: (row) => setHighlightKey(row.key),
      onToggleFavorite: (row) => {
        setHighlightKey(row.key);
        latest.current.toggleFavorite(row);
      },
      onConsole: (row) => {
        setHighlightKey(row.key);
        void latest.current.openConsole(row);
      },
      onConsoleMenu: (row, anchor) => {
        setHighlightKey(row.key);
        setMenuFor((prev) => (prev?.row.key === row.key ? null : { row, anchor }));
      },
      onCli: (row) => {
        setHighlightKey(row.key);
        latest.current.openCli(row);
      },
    }),
    [],
  );

  useKeyboardNavigation(
    searchRef,
    {
      move: (delta) => {
        const rows = layout.rows;
        if (rows.length === 0) return;
        const at = highlighted ? rows.indexOf(highlighted) : -1;
        const next =
          at === -1
            ? delta === 1
              ? 0
              : rows.length - 1
            : Math.min(rows.length - 1, Math.max(0, at + delta));
        const row = rows[next]!;
        setHighlightKey(row.key);
        scrollIntoView(row);
      },
      openConsole: () => {
        if (highlighted) void openConsole(highlighted);
      },
      openCli: () => {
        if (highlighted) openCli(highlighted);
      },
      toggleFavorite: () => {
        if (highlighted) toggleFavorite(highlighted);
      },
      escape: () => {
        if (isHelpOpen) setIsHelpOpen(false);
        else if (query !== "") setQuery("");
        else {
          setHighlightKey(null);
          if (document.activeElement instanceof HTMLElement) document.activeElement.blur();
        }
      },
      toggleHelp: () => setIsHelpOpen((open) => !open),
    },
    credentialsFor !== null || menuFor !== null,
  );

  const lastUsedLabel = useCallback(
    (role: RoleView) => {
      const at = lastUsedOf(role);
      return at ? formatRelativeTime(new Date(at), now) : null;
    },
    [lastUsedOf, now],
  );

  return (
    <div>
      <div className="flex flex-wrap items-end justify-between gap-4">
        <div>
          <h1 className="text-2xl font-semibold">Your AWS accounts</h1>
          <p className="mt-1 text-sm text-slate-600" data-testid="counts" data-query={query}>
            {accounts.length} {accounts.length === 1 ? "account" : "accounts"}, {roleCount}{" "}
            {roleCount === 1 ? "role" : "roles"}
            {isSearching && (
              <span>
                {" "}
                · {matchCount} {matchCount === 1 ? "match" : "matches"}
              </span>
            )}
          </p>
        </div>
      </div>

      {offeredResume && (
        <div
          role="status"
          className="mt-4 flex flex-wrap items-center gap-3 rounded-md border border-indigo-200 bg-indigo-50 px-3 py-2 text-sm text-indigo-900"
          data-testid="resume-offer"
        >
          <span>
            Ready to continue: CLI credentials for{" "}
            <strong>
              {offeredResume.account.name} / {offeredResume.role.roleName}
            </strong>
            .
          </span>
          <button
            type="button"
            onClick={() => openCli(offeredResume)}
            className="rounded-md bg-indigo-600 px-3 py-1.5 font-medium text-white hover:bg-indigo-500"
          >
            Get CLI credentials
          </button>
          <button
            type="button"
            onClick={() => setOfferedResume(null)}
            className="rounded-md border border-indigo-300 px-3 py-1.5 text-indigo-900 hover:bg-indigo-100"
          >
            Dismiss
          </button>
        </div>
      )}

      <div
        ref={toolbarRef}
        className="sticky top-0 z-20 -mx-4 mt-4 bg-slate-50/95 px-4 py-3 backdrop-blur"
      >
        <div className="relative flex flex-wrap items-center gap-3">
          <div className="relative min-w-72 flex-1">
            <input
              ref={searchRef}
              type="search"
              value={query}
              onChange={(e) => {
                setQuery(e.target.value);
                setHighlightKey(null);
              }}
              placeholder="Search accounts and roles…"
              title="Search by account name, alias, id or environment, and role name"
              aria-label="Search accounts and roles"
              aria-keyshortcuts="/"
              className="w-full rounded-lg border border-slate-300 bg-white py-2.5 pr-10 pl-4 shadow-sm outline-none focus:border-indigo-500 focus:ring-2 focus:ring-indigo-200"
              autoFocus
            />
            {query === "" && (
              <kbd className="pointer-events-none absolute top-1/2 right-3 -translate-y-1/2 rounded border border-slate-300 bg-slate-50 px-1.5 font-mono text-xs text-slate-500">
                /
              </kbd>
            )}
          </div>
          {/* Wide enough for most regions' names (the few longest: in the tooltip); a phone's line. */}
          <label className="flex items-center gap-2 text-sm text-slate-600 max-sm:w-full">
            Region
            <select
              value={region}
              onChange={(e) => setRegion(e.target.value)}
              title={regionLabel(regions, region)}
              className="min-w-0 rounded-md border border-slate-300 bg-white px-2 py-2 text-slate-900 max-sm:flex-1 sm:w-72"
              data-testid="region-select"
            >
              {regions.map((r) => (
                <option key={r.code} value={r.code}>
                  {r.code} ({r.name})
                </option>
              ))}
            </select>
          </label>
          <button
            type="button"
            onClick={() => setIsHelpOpen((open) => !open)}
            aria-expanded={isHelpOpen}
            aria-keyshortcuts="?"
            className="hidden rounded-md border border-slate-300 bg-white px-2.5 py-2 text-sm text-slate-600 hover:bg-slate-100 sm:block"
            title="Keyboard shortcuts (?)"
          >
            Keyboard shortcuts <span className="font-mono text-slate-400">?</span>
          </button>
          {isHelpOpen && <KeyboardShortcuts onClose={() => setIsHelpOpen(false)} />}
        </div>
      </div>
      <p className="sr-only" aria-live="polite">
        {isSearching ? `${matchCount} matching roles` : ""}
      </p>

      {layout.rows.length === 0 ? (
        <p className="mt-8 text-center text-slate-500" data-testid="no-match">
          No account or role matches “{query}”.
        </p>
      ) : (
        <RoleList
          listRef={listRef}
          layout={layout}
          isWindowed={roleCount > WINDOWING_THRESHOLD}
          highlightedKey={highlighted?.key ?? null}
          openingRoleId={openingRoleId}
          isFavorite={favorites.isFavorite}
          lastUsedLabel={lastUsedLabel}
          handlers={handlers}
        />
      )}

      {menuFor && (
        <ConsoleOptions
          key={menuFor.row.key}
          account={menuFor.row.account}
          role={menuFor.row.role}
          region={region}
          anchor={menuFor.anchor}
          onOpenConsole={(request) => void openConsole(menuFor.row, request)}
          onIssued={() => markUsed(menuFor.row.role.roleId)}
          onClose={() => setMenuFor(null)}
        />
      )}

      {credentialsFor && (
        <CredentialsDialog
          roleId={credentialsFor.role.roleId}
          title={`${credentialsFor.account.name} / ${credentialsFor.role.roleName}`}
          region={region}
          bounds={credentialsFor.role.duration}
          returnTo={credentialsResumePath(credentialsFor.role.roleId)}
          onIssued={() => markUsed(credentialsFor.role.roleId)}
          onClose={() => setCredentialsFor(null)}
        />
      )}

      <ToastStack toasts={toasts} onDismiss={dismissToast} />
    </div>
  );
}

"use client";

import { Suspense, useCallback, useMemo, useRef, useState } from "react";
import { useLatest } from "./use-latest";
import { AccountsHeading, NoMatch } from "./accounts-heading";
import { rowAfterMove, scrollRowIntoView } from "./role-list-scroll";
import type { AccountView } from "@/lib/access/group-by-account";
import { localError, type ApiErrorView } from "./api-client";
import { AccountsToolbar } from "./accounts-toolbar";
import { credentialsResumePath } from "./resume-intent";
import { useKeptAccountsAction, useResumeCredentials, type ResumeChoice } from "./resume-offer";
import {
  ConsoleOptions,
  CredentialsDialog,
  preloadAccountsOnDemand,
  ResumeOfferNotice,
} from "./accounts-on-demand";
import { RoleList } from "./role-list";
import type { LayoutRow } from "./role-list-layout";
import type { RoleRowHandlers } from "./role-row";
import { buildSearchIndex } from "@/lib/access/role-search";
import { arnSearchNote } from "@/lib/access/role-arn-query";
import { useFavorites } from "./use-favorites";
import { useKeyboardNavigation } from "./use-keyboard-navigation";
import { useConsoleDestination } from "./use-role-preferences";
import { ToastStack } from "./toast-stack";
import { useErrorToasts } from "./use-error-toasts";
import { useOpenConsole } from "./use-open-console";
import { useRoleList } from "./use-role-list";
import { useRoleUsage } from "./use-role-usage";
import { useStoredChoice } from "./use-stored-choice";

export type { AccountView } from "@/lib/access/group-by-account";

const REGION_STORAGE_KEY = "gatehouse.region";
/** Above this many roles only the rows on screen are rendered. */
export const WINDOWING_THRESHOLD = 200;

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
  const [offeredResume, setOfferedResume] = useState<ResumeChoice | null>(null);
  const [menuFor, setMenuFor] = useState<{ row: LayoutRow; anchor: HTMLElement } | null>(null);
  const [isHelpOpen, setIsHelpOpen] = useState(false);
  const searchRef = useRef<HTMLInputElement>(null);
  const listRef = useRef<HTMLDivElement>(null);
  const toolbarRef = useRef<HTMLDivElement>(null);

  const { toasts, addToast, dismissToast } = useErrorToasts();
  const { lastUsedOf, markUsed, lastUsedLabel } = useRoleUsage(serverNow);

  const index = useMemo(() => buildSearchIndex(accounts), [accounts]);

  useResumeCredentials(resumeCredentialsFor, index, {
    open: setCredentialsFor,
    offer: setOfferedResume,
  });
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
  useKeptAccountsAction(index, {
    offer: setOfferedResume,
    setFavorite: (roleId, isFavorite) => {
      const initial = index.find((e) => e.role.roleId === roleId)?.role.isFavorite ?? false;
      if (favorites.isFavorite(roleId, initial) !== isFavorite)
        favorites.toggle(roleId, !isFavorite);
    },
  });

  const { layout, isSearching, matchCount, readAs } = useRoleList(
    index,
    query,
    favorites.isFavorite,
    lastUsedOf,
  );
  const roleCount = index.length;
  // Only when nothing matched: a search that finds roles pays nothing for it.
  const arnNote = isSearching && layout.rows.length === 0 ? arnSearchNote(query) : null;

  // The highlight follows the search: typing highlights the first match, so Enter opens it.
  const highlighted =
    layout.rows.find((r) => r.key === highlightKey) ?? (isSearching ? layout.rows[0] : undefined);

  const scrollIntoView = useCallback(
    (row: LayoutRow) => scrollRowIntoView(row, listRef.current, toolbarRef.current),
    [],
  );

  const { openConsole, openingRoleId } = useOpenConsole({
    region,
    destination,
    onError: addToast,
    onOpened: markUsed,
  });

  const openCli = useCallback(
    (row: LayoutRow) => {
      if (!row.role.allowCli) {
        addToast(
          `${row.account.name} / ${row.role.roleName}`,
          localError("This role is for the console only."),
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
  const latest = useLatest({ openConsole, openCli, toggleFavorite });
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
    [latest],
  );

  useKeyboardNavigation(
    searchRef,
    {
      move: (delta) => {
        const row = rowAfterMove(layout.rows, highlighted, delta);
        if (!row) return;
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

  return (
    <div onPointerOver={preloadAccountsOnDemand} onFocus={preloadAccountsOnDemand}>
      <div className="flex flex-wrap items-end justify-between gap-4">
        <AccountsHeading
          accountCount={accounts.length}
          roleCount={roleCount}
          matchCount={isSearching ? matchCount : null}
          readAs={readAs}
          query={query}
        />
      </div>

      {offeredResume && (
        <Suspense fallback={null}>
          <ResumeOfferNotice
            choice={offeredResume}
            onContinue={() => {
              if (offeredResume.kind === "credentials") openCli(offeredResume.row);
              else {
                setOfferedResume(null);
                void openConsole(offeredResume.row, offeredResume.request ?? undefined);
              }
            }}
            onDismiss={() => setOfferedResume(null)}
          />
        </Suspense>
      )}

      <AccountsToolbar
        toolbarRef={toolbarRef}
        searchRef={searchRef}
        query={query}
        onQueryChange={(value) => {
          setQuery(value);
          setHighlightKey(null);
        }}
        region={region}
        regions={regions}
        onRegionChange={setRegion}
        isHelpOpen={isHelpOpen}
        onToggleHelp={() => setIsHelpOpen((open) => !open)}
        onCloseHelp={() => setIsHelpOpen(false)}
      />

      {layout.rows.length === 0 ? (
        <NoMatch query={query} arnNote={arnNote} />
      ) : (
        <RoleList
          listRef={listRef}
          layout={layout}
          isWindowed={roleCount > WINDOWING_THRESHOLD}
          highlightedKey={highlighted?.key ?? null}
          openingRoleId={openingRoleId}
          isFavorite={favorites.isFavorite}
          lastUsedLabel={lastUsedLabel}
          serverNow={serverNow}
          handlers={handlers}
        />
      )}

      <Suspense fallback={null}>
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
            bounds={credentialsFor.role.cliDuration ?? credentialsFor.role.duration}
            returnTo={credentialsResumePath(credentialsFor.role.roleId)}
            onIssued={() => markUsed(credentialsFor.role.roleId)}
            onClose={() => setCredentialsFor(null)}
          />
        )}
      </Suspense>

      <ToastStack toasts={toasts} onDismiss={dismissToast} />
    </div>
  );
}

"use client";

import { Suspense, useEffect, useState, type RefObject } from "react";
import { KeyboardShortcuts } from "./accounts-on-demand";

/** "eu-west-1 (Europe (Ireland))": how the region picker names a region. */
function regionLabel(regions: ReadonlyArray<{ code: string; name: string }>, code: string): string {
  const name = regions.find((r) => r.code === code)?.name;
  return name ? `${code} (${name})` : code;
}

/**
 * The accounts page's sticky toolbar: the search box (focused on load, `/` from anywhere), the
 * region every console and credential uses, and the keyboard shortcuts (`?`).
 */
export function AccountsToolbar({
  toolbarRef,
  searchRef,
  query,
  onQueryChange,
  region,
  regions,
  onRegionChange,
  isHelpOpen,
  onToggleHelp,
  onCloseHelp,
}: {
  toolbarRef: RefObject<HTMLDivElement | null>;
  searchRef: RefObject<HTMLInputElement | null>;
  query: string;
  onQueryChange: (query: string) => void;
  region: string;
  regions: ReadonlyArray<{ code: string; name: string }>;
  onRegionChange: (region: string) => void;
  isHelpOpen: boolean;
  onToggleHelp: () => void;
  onCloseHelp: () => void;
}) {
  // Set once the page is interactive: before that a key typed into the box is only a character.
  const [isInteractive, setIsInteractive] = useState(false);
  useEffect(() => {
    void Promise.resolve().then(() => setIsInteractive(true));
  }, []);
  return (
    <div ref={toolbarRef} className="sticky top-0 z-20 -mx-4 mt-4 bg-slate-50 px-4 py-3">
      <div className="relative flex flex-wrap items-center gap-3">
        <div className="relative min-w-72 flex-1">
          <input
            ref={searchRef}
            type="search"
            value={query}
            onChange={(e) => onQueryChange(e.target.value)}
            placeholder="Search accounts and roles…"
            title="Search by account name, alias, id or environment, and role name; or paste a role ARN"
            aria-label="Search accounts and roles"
            aria-keyshortcuts="/"
            data-interactive={isInteractive ? "true" : undefined}
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
            onChange={(e) => onRegionChange(e.target.value)}
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
          onClick={onToggleHelp}
          aria-expanded={isHelpOpen}
          aria-keyshortcuts="?"
          className="hidden rounded-md border border-slate-300 bg-white px-2.5 py-2 text-sm text-slate-600 hover:bg-slate-100 sm:block"
          title="Keyboard shortcuts (?)"
        >
          Keyboard shortcuts <span className="font-mono text-slate-500">?</span>
        </button>
        {isHelpOpen && (
          <Suspense fallback={null}>
            <KeyboardShortcuts onClose={onCloseHelp} />
          </Suspense>
        )}
      </div>
    </div>
  );
}

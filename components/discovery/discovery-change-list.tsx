"use client";

import type { DiscoveryRunDetail } from "@/lib/discovery/runs";
import { DiscoveryChangeBody } from "./discovery-change-body";
import { formatNumber } from "./discovery-wording";
import { PAGE_SIZE } from "./use-discovery-run";
import { formatUtc } from "../utc-time";

type Change = DiscoveryRunDetail["changes"][number];

/**
 * One page of changes, each with a checkbox (an applied one is ticked, disabled and says who
 * applied it when), a "select this page" box, and the pager.
 */
export function DiscoveryChangeList({
  changes,
  matching,
  page,
  selected,
  isDisabled,
  onToggle,
  onTogglePage,
  onPage,
}: {
  changes: Change[];
  matching: number;
  page: number;
  selected: ReadonlySet<string>;
  isDisabled: boolean;
  onToggle: (key: string) => void;
  onTogglePage: (keys: string[], isSelected: boolean) => void;
  onPage: (page: number) => void;
}) {
  const pendingKeys = changes.filter((c) => !c.applied).map((c) => c.key);
  const isPageSelected = pendingKeys.length > 0 && pendingKeys.every((k) => selected.has(k));
  const first = page * PAGE_SIZE;
  return (
    <section className="overflow-hidden rounded-xl border border-slate-200 bg-white shadow-sm">
      <div className="flex flex-wrap items-center justify-between gap-2 border-b border-slate-100 bg-slate-50 px-4 py-2 text-sm">
        <label className="flex items-center gap-2 text-slate-700">
          <input
            type="checkbox"
            className="h-4 w-4"
            checked={isPageSelected}
            disabled={isDisabled || pendingKeys.length === 0}
            onChange={(e) => onTogglePage(pendingKeys, e.target.checked)}
            data-testid="discovery-select-page"
          />
          Select every pending change on this page
        </label>
        <span className="text-slate-500" data-testid="discovery-matching">
          {changes.length === 0
            ? `${formatNumber(matching)} matching`
            : `${formatNumber(first + 1)}–${formatNumber(first + changes.length)} of ${formatNumber(matching)}`}
        </span>
      </div>
      {changes.length === 0 ? (
        <p className="px-4 py-6 text-sm text-slate-500" data-testid="discovery-changes-empty">
          No changes match.
        </p>
      ) : (
        <ul className="divide-y divide-slate-100" data-testid="discovery-changes">
          {changes.map((c) => (
            <li
              key={c.key}
              className={`flex gap-3 px-4 py-3 ${c.applied ? "bg-slate-50/60" : ""}`}
              data-testid="discovery-change"
              data-key={c.key}
              data-kind={c.kind}
              data-applied={c.applied ? "true" : "false"}
            >
              <input
                type="checkbox"
                className="mt-1 h-4 w-4 shrink-0"
                checked={c.applied !== null || selected.has(c.key)}
                disabled={isDisabled || c.applied !== null}
                onChange={() => onToggle(c.key)}
                aria-label={`Select ${c.key}`}
                data-testid="discovery-change-select"
              />
              <div className="min-w-0 flex-1 space-y-1">
                <DiscoveryChangeBody change={c} />
                {c.applied && (
                  <p
                    className="text-xs font-medium text-emerald-700"
                    data-testid="discovery-applied"
                  >
                    Applied by {c.applied.by} at {formatUtc(c.applied.at)}
                  </p>
                )}
              </div>
            </li>
          ))}
        </ul>
      )}
      {(matching > PAGE_SIZE || page > 0) && (
        <nav
          aria-label="Pages of changes"
          className="flex items-center justify-between border-t border-slate-100 px-4 py-2 text-sm"
        >
          <button
            type="button"
            onClick={() => onPage(page - 1)}
            disabled={page === 0}
            className="rounded-md border border-slate-300 px-3 py-1 text-slate-700 hover:bg-slate-50 disabled:opacity-50"
            data-testid="discovery-page-previous"
          >
            Previous
          </button>
          <span className="text-slate-500">
            Page {page + 1} of {Math.ceil(matching / PAGE_SIZE)}
          </span>
          <button
            type="button"
            onClick={() => onPage(page + 1)}
            disabled={first + changes.length >= matching}
            className="rounded-md border border-slate-300 px-3 py-1 text-slate-700 hover:bg-slate-50 disabled:opacity-50"
            data-testid="discovery-page-next"
          >
            Next
          </button>
        </nav>
      )}
    </section>
  );
}

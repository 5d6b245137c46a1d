"use client";

import { useEffect, useState } from "react";
import type { ChangeKind } from "@/lib/discovery/changes";
import type { DiscoveryRunDetail } from "@/lib/discovery/runs";
import { KIND_ORDER, KIND_WORDING, formatNumber } from "./discovery-wording";

/** Typing pauses this long before the list is read again. */
const SEARCH_DELAY_MS = 300;

function Chip({
  label,
  count,
  pending,
  isCurrent,
  testId,
  onClick,
}: {
  label: string;
  count: number;
  pending: number;
  isCurrent: boolean;
  testId: string;
  onClick: () => void;
}) {
  return (
    <button
      type="button"
      onClick={onClick}
      aria-pressed={isCurrent}
      data-testid={testId}
      data-count={count}
      data-pending={pending}
      title={`${formatNumber(pending)} not applied yet`}
      className={`rounded-md border px-3 py-1.5 text-sm font-medium ${
        isCurrent
          ? "border-indigo-600 bg-indigo-600 text-white"
          : "border-slate-300 bg-white text-slate-700 hover:bg-slate-100"
      } ${count === 0 && !isCurrent ? "opacity-60" : ""}`}
    >
      {label}{" "}
      <span className={isCurrent ? "text-indigo-100" : "text-slate-500"}>
        {formatNumber(count)}
      </span>
    </button>
  );
}

/** Filter chips per kind of change (with counts), the search box and "Only pending". */
export function DiscoveryFilters({
  counts,
  kind,
  search,
  isPendingOnly,
  onKind,
  onSearch,
  onPendingOnly,
}: {
  counts: DiscoveryRunDetail["counts"];
  kind: ChangeKind | null;
  search: string;
  isPendingOnly: boolean;
  onKind: (kind: ChangeKind | null) => void;
  onSearch: (search: string) => void;
  onPendingOnly: (isPendingOnly: boolean) => void;
}) {
  const [draft, setDraft] = useState(search);
  useEffect(() => {
    if (draft === search) return;
    const timer = setTimeout(() => onSearch(draft), SEARCH_DELAY_MS);
    return () => clearTimeout(timer);
  }, [draft, search, onSearch]);
  const total = KIND_ORDER.reduce((n, k) => n + counts[k].total, 0);
  const applied = KIND_ORDER.reduce((n, k) => n + counts[k].applied, 0);
  return (
    <div className="space-y-3">
      <div role="group" aria-label="Kind of change" className="flex flex-wrap gap-2">
        <Chip
          label="All"
          count={total}
          pending={total - applied}
          isCurrent={kind === null}
          testId="discovery-kind-all"
          onClick={() => onKind(null)}
        />
        {KIND_ORDER.map((k) => (
          <Chip
            key={k}
            label={KIND_WORDING[k].label}
            count={counts[k].total}
            pending={counts[k].total - counts[k].applied}
            isCurrent={kind === k}
            testId={`discovery-kind-${k}`}
            onClick={() => onKind(k)}
          />
        ))}
      </div>
      <div className="flex flex-wrap items-center gap-4">
        <form
          role="search"
          className="flex min-w-64 flex-1"
          onSubmit={(e) => {
            e.preventDefault();
            onSearch(draft);
          }}
        >
          <label className="sr-only" htmlFor="discovery-search">
            Search changes
          </label>
          <input
            id="discovery-search"
            type="search"
            value={draft}
            onChange={(e) => setDraft(e.target.value)}
            maxLength={200}
            placeholder="Account id or name, role name or ARN"
            className="w-full rounded-md border border-slate-300 bg-white px-3 py-1.5 text-sm"
            data-testid="discovery-search"
          />
        </form>
        <label className="flex items-center gap-2 text-sm text-slate-700">
          <input
            type="checkbox"
            className="h-4 w-4"
            checked={isPendingOnly}
            onChange={(e) => onPendingOnly(e.target.checked)}
            data-testid="discovery-pending-only"
          />
          Only pending
        </label>
      </div>
    </div>
  );
}

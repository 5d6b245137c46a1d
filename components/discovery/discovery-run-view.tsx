"use client";

import { useState } from "react";
import type { DiscoveryRunDetail } from "@/lib/discovery/runs";
import { ApiErrorAlert } from "../api-error-alert";
import { DiscoveryApplyBar, DiscoveryApplyOutcome } from "./discovery-apply-bar";
import { DiscoveryChangeList } from "./discovery-change-list";
import { DiscoveryFilters } from "./discovery-filters";
import {
  DiscoveryNotices,
  DiscoveryProgress,
  DiscoveryRunFailure,
  DiscoveryRunSummaryLine,
} from "./discovery-run-status";
import { KIND_ORDER, triggerLabel } from "./discovery-wording";
import { useChangeQuery } from "./use-change-query";
import { useDiscoveryApply, type ApplySelection } from "./use-discovery-apply";
import { useDiscoveryRun } from "./use-discovery-run";
import { formatUtc } from "../utc-time";

/**
 * One discovery run: its progress while it reads AWS, then the changes it proposes, filtered and
 * paged, with checkboxes and the buttons that apply them. Keyed by run id by the page, so
 * choosing another run starts from a clean slate.
 */
export function DiscoveryRunView({ runId }: { runId: string }) {
  const { query, setKind, setSearch, setPendingOnly, setPage } = useChangeQuery();
  const { run, error, isLoading, reload } = useDiscoveryRun(runId, query);
  const [selected, setSelected] = useState<ReadonlySet<string>>(new Set());
  const applier = useDiscoveryApply(runId, reload);

  if (!run)
    return error ? (
      <ApiErrorAlert error={error} testId="discovery-load-error" />
    ) : (
      <p className="text-sm text-slate-500" role="status" data-testid="discovery-loading">
        Loading the discovery run…
      </p>
    );

  const apply = async (selection: ApplySelection) => {
    if (await applier.apply(selection)) setSelected(new Set());
  };
  const toggle = (key: string) =>
    setSelected((current) => {
      const next = new Set(current);
      if (!next.delete(key)) next.add(key);
      return next;
    });
  const togglePage = (keys: string[], isSelected: boolean) =>
    setSelected((current) => {
      const next = new Set(current);
      for (const key of keys) {
        if (isSelected) next.add(key);
        else next.delete(key);
      }
      return next;
    });

  return (
    <section
      className="space-y-4"
      aria-labelledby="discovery-run-heading"
      aria-busy={isLoading}
      data-testid="discovery-run"
      data-run-id={run.id}
      data-status={run.status}
    >
      <RunHeading run={run} />
      {error && <ApiErrorAlert error={error} testId="discovery-load-error" />}
      {run.status === "running" && <DiscoveryProgress run={run} />}
      {(run.status === "failed" || run.status === "interrupted") && (
        <DiscoveryRunFailure run={run} />
      )}
      {run.status === "complete" && (
        <CompleteRun
          run={run}
          query={query}
          selected={selected}
          applier={applier}
          onApply={(selection) => void apply(selection)}
          onToggle={toggle}
          onTogglePage={togglePage}
          filters={{ setKind, setSearch, setPendingOnly, setPage }}
        />
      )}
    </section>
  );
}

function RunHeading({ run }: { run: DiscoveryRunDetail }) {
  return (
    <div>
      <h2 id="discovery-run-heading" className="text-lg font-semibold">
        Discovery of {formatUtc(run.startedAt)}
      </h2>
      <p className="text-sm text-slate-500">
        {triggerLabel(run.trigger)}
        {run.startedBy ? ` by ${run.startedBy}` : ""} · {run.status}
      </p>
    </div>
  );
}

function CompleteRun({
  run,
  query,
  selected,
  applier,
  onApply,
  onToggle,
  onTogglePage,
  filters,
}: {
  run: DiscoveryRunDetail;
  query: ReturnType<typeof useChangeQuery>["query"];
  selected: ReadonlySet<string>;
  applier: ReturnType<typeof useDiscoveryApply>;
  onApply: (selection: ApplySelection) => void;
  onToggle: (key: string) => void;
  onTogglePage: (keys: string[], isSelected: boolean) => void;
  filters: Omit<ReturnType<typeof useChangeQuery>, "query">;
}) {
  const total = KIND_ORDER.reduce((n, k) => n + run.counts[k].total, 0);
  const totalPending = KIND_ORDER.reduce(
    (n, k) => n + run.counts[k].total - run.counts[k].applied,
    0,
  );
  const kindPending = query.kind
    ? run.counts[query.kind].total - run.counts[query.kind].applied
    : totalPending;
  return (
    <>
      <DiscoveryRunSummaryLine run={run} />
      <DiscoveryNotices notices={run.notices} />
      {total === 0 ? (
        <p
          className="rounded-md border border-emerald-200 bg-emerald-50 px-3 py-2 text-sm text-emerald-800"
          data-testid="discovery-no-changes"
        >
          Nothing to apply: Gatehouse already matches AWS.
        </p>
      ) : (
        <>
          <DiscoveryFilters
            counts={run.counts}
            kind={query.kind}
            search={query.search}
            isPendingOnly={query.isPendingOnly}
            onKind={filters.setKind}
            onSearch={filters.setSearch}
            onPendingOnly={filters.setPendingOnly}
          />
          <DiscoveryApplyBar
            selectedCount={selected.size}
            kind={query.kind}
            kindPending={kindPending}
            totalPending={totalPending}
            isApplying={applier.isApplying}
            onApplySelected={() => onApply({ keys: [...selected] })}
            onApplyKind={(kind) => onApply({ kinds: [kind] })}
            onApplyAll={() => onApply({ all: true })}
          />
          <DiscoveryApplyOutcome result={applier.result} error={applier.error} />
          <DiscoveryChangeList
            changes={run.changes}
            matching={run.matching}
            page={query.page}
            selected={selected}
            isDisabled={applier.isApplying}
            onToggle={onToggle}
            onTogglePage={onTogglePage}
            onPage={filters.setPage}
          />
        </>
      )}
    </>
  );
}

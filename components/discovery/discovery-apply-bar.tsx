"use client";

import type { ApplyResult } from "@/lib/discovery/apply-changes";
import type { ChangeKind } from "@/lib/discovery/changes";
import { ApiErrorAlert } from "../api-error-alert";
import type { ApiErrorView } from "../api-client";
import { KIND_WORDING, formatNumber } from "./discovery-wording";

const SECONDARY =
  "rounded-md border border-slate-300 bg-white px-3 py-1.5 text-sm font-medium text-slate-700 hover:bg-slate-50 disabled:opacity-50";
const PRIMARY =
  "rounded-md bg-indigo-600 px-3 py-1.5 text-sm font-medium text-white hover:bg-indigo-500 disabled:opacity-50";

/** "Apply selected (n)", "Apply all <kind>" when a kind is chosen, and "Apply everything". */
export function DiscoveryApplyBar({
  selectedCount,
  kind,
  kindPending,
  totalPending,
  isApplying,
  onApplySelected,
  onApplyKind,
  onApplyAll,
}: {
  selectedCount: number;
  kind: ChangeKind | null;
  kindPending: number;
  totalPending: number;
  isApplying: boolean;
  onApplySelected: () => void;
  onApplyKind: (kind: ChangeKind) => void;
  onApplyAll: () => void;
}) {
  return (
    <div className="flex flex-wrap items-center gap-2" aria-busy={isApplying}>
      <button
        type="button"
        className={PRIMARY}
        disabled={isApplying || selectedCount === 0}
        onClick={onApplySelected}
        data-testid="discovery-apply-selected"
      >
        Apply selected ({formatNumber(selectedCount)})
      </button>
      {kind && (
        <button
          type="button"
          className={SECONDARY}
          disabled={isApplying || kindPending === 0}
          onClick={() => onApplyKind(kind)}
          data-testid="discovery-apply-kind"
          data-kind={kind}
        >
          Apply all {KIND_WORDING[kind].plural} ({formatNumber(kindPending)})
        </button>
      )}
      <button
        type="button"
        className={SECONDARY}
        disabled={isApplying || totalPending === 0}
        onClick={onApplyAll}
        data-testid="discovery-apply-all"
      >
        Apply everything ({formatNumber(totalPending)})
      </button>
      {isApplying && (
        <span className="text-sm text-slate-500" role="status">
          Applying…
        </span>
      )}
    </div>
  );
}

/** The server's answer: how many were applied, and each skipped change with its reason. */
export function DiscoveryApplyOutcome({
  result,
  error,
}: {
  result: ApplyResult | null;
  error: ApiErrorView | null;
}) {
  if (error) return <ApiErrorAlert error={error} testId="discovery-apply-error" />;
  if (!result) return null;
  const skipped = result.skipped.length;
  return (
    <div
      role="status"
      className={`rounded-md border px-3 py-2 text-sm ${
        skipped > 0
          ? "border-amber-200 bg-amber-50 text-amber-900"
          : "border-emerald-200 bg-emerald-50 text-emerald-800"
      }`}
      data-testid="discovery-result"
      data-applied={result.applied.length}
      data-skipped={skipped}
    >
      <p className="font-medium">
        Applied {formatNumber(result.applied.length)}
        {skipped > 0 && ` · Skipped ${formatNumber(skipped)}:`}
      </p>
      {skipped > 0 && (
        <ul className="mt-1 space-y-0.5">
          {result.skipped.map((s) => (
            <li key={s.key} data-testid="discovery-skipped" data-key={s.key}>
              <span className="font-mono text-xs">{s.key}</span> — {s.reason}
            </li>
          ))}
        </ul>
      )}
    </div>
  );
}

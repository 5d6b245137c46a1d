"use client";

import Link from "next/link";
import { useRouter } from "next/navigation";
import { useState, type ReactNode } from "react";
import {
  webhookDeliveriesHref,
  type WebhookDeliveryRow,
  type WebhookDeliveryState,
  type WebhookFilters,
} from "@/lib/access-requests/webhook-destination";
import { ApiErrorAlert } from "./api-error-alert";
import { apiErrorFrom, UNREACHABLE, type ApiErrorView } from "./api-client";
import { UtcTime } from "./utc-time";

const STATE_STYLE: Record<WebhookDeliveryState, string> = {
  pending: "bg-amber-50 text-amber-800 ring-amber-600/30",
  delivered: "bg-emerald-50 text-emerald-800 ring-emerald-600/30",
  failed: "bg-red-50 text-red-700 ring-red-600/30",
};

function StateBadge({ state }: { state: WebhookDeliveryState }) {
  return (
    <span
      className={`rounded-full px-2 py-0.5 text-xs font-medium ring-1 ring-inset ${STATE_STYLE[state]}`}
      data-testid="webhook-delivery-state"
    >
      {state}
    </span>
  );
}

/** The last answer: the error when there was one (it names the status), else the status. */
function lastOutcome(d: WebhookDeliveryRow): string {
  if (d.lastError) return d.lastError;
  if (d.lastStatus !== null) return `HTTP ${d.lastStatus}`;
  return "—";
}

/**
 * The webhook outbox, newest first, with a Retry button by each failed delivery's state; a retry refreshes
 * the page so the row shows its new state (and, soon, its new attempt). A row's request id and
 * destination link to the list narrowed to them, keeping the page's other filters.
 */
export function WebhookDeliveriesTable({
  deliveries,
  maxAttempts,
  filters,
  emptyMessage,
}: {
  deliveries: WebhookDeliveryRow[];
  maxAttempts: number;
  filters: WebhookFilters;
  emptyMessage: ReactNode;
}) {
  const filterLink = "underline decoration-slate-300 hover:decoration-slate-600";
  const router = useRouter();
  const [error, setError] = useState<ApiErrorView | null>(null);
  const [busy, setBusy] = useState<string | null>(null);
  const [retried, setRetried] = useState(false);
  const retry = async (id: string) => {
    setBusy(id);
    setError(null);
    setRetried(false);
    try {
      const response = await fetch(`/api/admin/webhooks/${encodeURIComponent(id)}/retry`, {
        method: "POST",
        cache: "no-store",
      });
      if (response.ok) {
        setRetried(true);
        router.refresh();
      } else setError(apiErrorFrom(response, await response.json().catch(() => null)));
    } catch {
      setError(UNREACHABLE);
    } finally {
      setBusy(null);
    }
  };
  return (
    <div className="space-y-3">
      {error && <ApiErrorAlert error={error} />}
      {retried && (
        <p role="status" className="text-sm text-emerald-800" data-testid="webhook-retried">
          Queued again: it is sent now, with a fresh set of {maxAttempts} attempts.
        </p>
      )}
      {deliveries.length === 0 ? (
        <p className="text-sm text-slate-600" data-testid="webhook-deliveries-empty">
          {emptyMessage}
        </p>
      ) : (
        <div className="overflow-x-auto rounded-lg border border-slate-200 bg-white">
          <table className="min-w-full text-left text-sm" data-testid="webhook-deliveries">
            <thead className="bg-slate-50 text-xs text-slate-500 uppercase">
              <tr>
                <th className="px-3 py-2">Event</th>
                <th className="px-3 py-2">Request</th>
                <th className="px-3 py-2">Destination</th>
                <th className="px-3 py-2">State</th>
                <th className="px-3 py-2">Attempts</th>
                <th className="px-3 py-2">Last answer</th>
                <th className="px-3 py-2">Next attempt</th>
                <th className="px-3 py-2">Created</th>
                <th className="px-3 py-2">Delivered</th>
              </tr>
            </thead>
            <tbody className="divide-y divide-slate-100">
              {deliveries.map((d) => (
                <tr key={d.id} data-testid="webhook-delivery" data-delivery-id={d.id}>
                  <td className="px-3 py-2">
                    <div>{d.event}</div>
                    <div className="font-mono text-xs text-slate-500">{d.id}</div>
                  </td>
                  <td className="px-3 py-2 font-mono text-xs">
                    {d.requestId ? (
                      <Link
                        href={webhookDeliveriesHref({ ...filters, request: d.requestId })}
                        className={filterLink}
                        title="Only this request's deliveries"
                      >
                        {d.requestId}
                      </Link>
                    ) : (
                      "—"
                    )}
                  </td>
                  <td className="px-3 py-2 font-mono text-xs break-all">
                    <Link
                      href={webhookDeliveriesHref({ ...filters, destination: d.id })}
                      className={filterLink}
                      title="Only deliveries to this destination"
                    >
                      {d.destination}
                    </Link>
                  </td>
                  {/* Retry sits by the state it answers, not in a last column that a wide
                      table pushes off screen. */}
                  <td className="px-3 py-2">
                    <div className="flex flex-col items-start gap-1.5">
                      <StateBadge state={d.state} />
                      {d.state === "failed" && (
                        <button
                          type="button"
                          onClick={() => void retry(d.id)}
                          disabled={busy !== null}
                          className="rounded-md border border-slate-300 px-2 py-0.5 text-xs text-slate-700 hover:bg-slate-50 disabled:opacity-60"
                          data-testid="webhook-delivery-retry"
                        >
                          {busy === d.id ? "Retrying…" : "Retry"}
                        </button>
                      )}
                    </div>
                  </td>
                  <td className="px-3 py-2 whitespace-nowrap">
                    {d.attempts} of {maxAttempts}
                  </td>
                  <td className="max-w-xs px-3 py-2">
                    <div className="truncate" title={lastOutcome(d)}>
                      {lastOutcome(d)}
                    </div>
                  </td>
                  <td className="px-3 py-2 whitespace-nowrap">
                    {/* Only a pending delivery has one: a delivered or failed one is done. */}
                    {d.state === "pending" ? <UtcTime value={d.nextAttemptAt} /> : "—"}
                  </td>
                  <td className="px-3 py-2 whitespace-nowrap">
                    <UtcTime value={d.createdAt} />
                  </td>
                  <td className="px-3 py-2 whitespace-nowrap">
                    {d.deliveredAt ? <UtcTime value={d.deliveredAt} /> : "—"}
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
    </div>
  );
}

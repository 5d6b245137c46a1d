import type { Metadata } from "next";
import Link from "next/link";
import { PageFrame } from "@/components/page-frame";
import { PageLinks } from "@/components/page-links";
import { WebhookDeliveriesTable } from "@/components/webhook-deliveries-table";
import { encodeCursor } from "@/lib/access-requests/list-query";
import { MAX_WEBHOOK_ATTEMPTS } from "@/lib/access-requests/webhook-delivery";
import { findWebhookDeliveries } from "@/lib/access-requests/webhook-deliveries";
import {
  WEBHOOK_DELIVERY_STATES,
  webhookDeliveriesHref,
  type WebhookDeliveryState,
  type WebhookFilters,
} from "@/lib/access-requests/webhook-destination";
import { parseWebhookQuery } from "@/lib/access-requests/webhook-query";
import { requirePrivilegedPage } from "@/lib/auth/privilege-guard";
import { getDb } from "@/lib/db/client";

export const metadata: Metadata = { title: "Webhook deliveries" };
export const dynamic = "force-dynamic";

/** Says what sends webhooks, so an admin knows what to set without looking anything up. */
const EMPTY = (
  <>
    No webhook deliveries yet. Access-request events are sent to the server setting{" "}
    <code className="font-mono text-xs">GATEHOUSE_ACCESS_REQUEST_WEBHOOK_URL</code> and to an
    eligible rule&apos;s own &ldquo;Webhook for this rule&rdquo;; with{" "}
    <code className="font-mono text-xs">GATEHOUSE_WEBHOOK_SECRET</code> set, each is signed.
  </>
);

type SearchParams = Promise<Record<string, string | string[] | undefined>>;

/**
 * The access-request webhook outbox (docs/ACCESS-REQUESTS.md "Webhooks: an outbox"): what was
 * sent where, what is still being retried, what gave up — and a Retry for the ones that did. Paged
 * newest first, and narrowed by state, by access request and by destination; a query it can't
 * read is named above the list, which then shows its first page unfiltered.
 */
export default async function AdminWebhooksPage({ searchParams }: { searchParams: SearchParams }) {
  const parsed = parseWebhookQuery(await searchParams);
  const query = parsed.ok ? parsed.query : {};
  const { page: cursor, ...filters } = query;
  const { user } = await requirePrivilegedPage(
    "admin",
    webhookDeliveriesHref(filters, cursor && encodeCursor(cursor.direction, cursor)),
  );
  const { deliveries, counts, page, destination } = await findWebhookDeliveries(getDb(), query);
  const issues = parsed.ok ? [] : parsed.issues;
  if (filters.destination && destination === null)
    issues.push({ path: "destination", message: "names no delivery, so nothing matches" });
  const total = counts.pending + counts.delivered + counts.failed;
  const unfiltered = !filters.request && !filters.destination;
  return (
    <PageFrame user={user} isWide>
      <div>
        <h1 className="text-2xl font-semibold">Webhook deliveries</h1>
        <p className="mt-1 text-sm text-slate-600">
          Every access-request notification, newest first. Each is tried up to{" "}
          {MAX_WEBHOOK_ATTEMPTS} times with backoff, then marked failed; Retry sends a failed one
          again. Destinations show only the host and the start of the path: the rest of a webhook
          URL can be its secret. Times are UTC.
        </p>
      </div>
      {issues.length > 0 && (
        <p
          role="alert"
          className="rounded-md border border-amber-300 bg-amber-50 p-3 text-sm text-amber-900"
          data-testid="query-issues"
        >
          This address is not one the page reads:{" "}
          {issues.map((i) => `${i.path} ${i.message}`).join("; ")}.
        </p>
      )}
      {!unfiltered && (
        <p className="text-sm text-slate-700" data-testid="webhook-filters">
          {filterLine(filters.request, destination)}{" "}
          <Link
            href={webhookDeliveriesHref({ state: filters.state })}
            className="text-indigo-700 underline"
          >
            Show every request and destination
          </Link>
        </p>
      )}
      <nav aria-label="Delivery state" className="flex flex-wrap gap-2 text-sm">
        <StateLink filters={filters} state={undefined} count={total} />
        {WEBHOOK_DELIVERY_STATES.map((s) => (
          <StateLink key={s} filters={filters} state={s} count={counts[s]} />
        ))}
      </nav>
      <WebhookDeliveriesTable
        deliveries={deliveries}
        maxAttempts={MAX_WEBHOOK_ATTEMPTS}
        filters={filters}
        emptyMessage={
          total === 0 && unfiltered ? EMPTY : `No ${filters.state ?? "matching"} deliveries.`
        }
      />
      {(page.next || page.previous) && (
        <PageLinks
          label="Pages of webhook deliveries"
          testId="webhooks"
          previousHref={page.previous && webhookDeliveriesHref(filters, page.previous)}
          nextHref={page.next && webhookDeliveriesHref(filters, page.next)}
          range={
            deliveries.length > 0
              ? `Deliveries ${page.first}–${page.first + deliveries.length - 1} of ${page.total}`
              : "No more deliveries."
          }
        />
      )}
    </PageFrame>
  );
}

/** Which request and destination the list is narrowed to; the destination redacted. */
function filterLine(request: string | undefined, destination: string | null): string {
  const parts = [];
  if (request) parts.push(`about access request ${request}`);
  if (destination) parts.push(`to ${destination}`);
  return parts.length > 0 ? `Only deliveries ${parts.join(" and ")}.` : "No deliveries match.";
}

/** One state's link, keeping the request and destination filters (and starting at page one). */
function StateLink(props: {
  filters: WebhookFilters;
  state: WebhookDeliveryState | undefined;
  count: number;
}) {
  const isCurrent = props.state === props.filters.state;
  const label = props.state ? props.state[0]!.toUpperCase() + props.state.slice(1) : "All";
  return (
    <Link
      href={webhookDeliveriesHref({ ...props.filters, state: props.state })}
      aria-current={isCurrent ? "page" : undefined}
      data-testid={`webhook-count-${props.state ?? "all"}`}
      className={`rounded-md border px-3 py-1.5 font-medium ${
        isCurrent
          ? "border-indigo-600 bg-indigo-600 text-white"
          : "border-slate-300 bg-white text-slate-700 hover:bg-slate-100"
      }`}
    >
      {label}{" "}
      <span className={isCurrent ? "text-indigo-100" : "text-slate-500"}>{props.count}</span>
    </Link>
  );
}

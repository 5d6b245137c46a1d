import type { Metadata } from "next";
import Link from "next/link";
import { PageFrame } from "@/components/page-frame";
import { WebhookDeliveriesTable } from "@/components/webhook-deliveries-table";
import { MAX_WEBHOOK_ATTEMPTS } from "@/lib/access-requests/webhook-delivery";
import { findWebhookDeliveries } from "@/lib/access-requests/webhook-deliveries";
import {
  isWebhookDeliveryState,
  WEBHOOK_DELIVERY_STATES,
  type WebhookDeliveryState,
} from "@/lib/access-requests/webhook-destination";
import { requirePrivilegedPage } from "@/lib/auth/privilege-guard";
import { getDb } from "@/lib/db/client";

export const metadata: Metadata = { title: "Webhook deliveries" };
export const dynamic = "force-dynamic";

/** The newest deliveries shown; the counts above the table cover every one. */
const LIMIT = 100;

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
 * sent where, what is still being retried, what gave up — and a Retry for the ones that did.
 */
export default async function AdminWebhooksPage({ searchParams }: { searchParams: SearchParams }) {
  const params = await searchParams;
  // An unknown state is no filter rather than an error: the links below only offer valid ones.
  const state = isWebhookDeliveryState(params.state) ? params.state : undefined;
  const { user } = await requirePrivilegedPage(
    "admin",
    state ? `/admin/webhooks?state=${state}` : "/admin/webhooks",
  );
  const { deliveries, counts } = await findWebhookDeliveries(getDb(), { state, limit: LIMIT });
  const total = counts.pending + counts.delivered + counts.failed;
  const matching = state ? counts[state] : total;
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
      <nav aria-label="Delivery state" className="flex flex-wrap gap-2 text-sm">
        <StateLink state={undefined} current={state} count={total} />
        {WEBHOOK_DELIVERY_STATES.map((s) => (
          <StateLink key={s} state={s} current={state} count={counts[s]} />
        ))}
      </nav>
      {deliveries.length > 0 && matching > deliveries.length && (
        <p className="text-sm text-slate-600" data-testid="webhook-deliveries-shown">
          Showing the newest {deliveries.length} of {matching}.
        </p>
      )}
      <WebhookDeliveriesTable
        deliveries={deliveries}
        maxAttempts={MAX_WEBHOOK_ATTEMPTS}
        emptyMessage={total === 0 ? EMPTY : `No ${state ?? "matching"} deliveries.`}
      />
    </PageFrame>
  );
}

function StateLink(props: {
  state: WebhookDeliveryState | undefined;
  current: WebhookDeliveryState | undefined;
  count: number;
}) {
  const isCurrent = props.state === props.current;
  const label = props.state ? props.state[0]!.toUpperCase() + props.state.slice(1) : "All";
  return (
    <Link
      href={props.state ? `/admin/webhooks?state=${props.state}` : "/admin/webhooks"}
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

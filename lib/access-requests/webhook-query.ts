import { z } from "zod";
import { recordId } from "@/lib/db/record-id";
import { type QueryInput, readSingleValuedQuery } from "@/lib/query-params";
import { fieldIssuesOf, type FieldIssue } from "@/lib/validation-error";
import { pageCursorParam, type PageCursor } from "./list-query";
import {
  isWebhookDeliveryState,
  WEBHOOK_DELIVERY_STATES,
  type WebhookFilters,
} from "./webhook-destination";

/**
 * What the webhook deliveries page (`/admin/webhooks`) reads from the URL (docs/ACCESS-REQUESTS.md
 * "Webhooks: an outbox"): `state`, `request` (an access request id), `destination` (a delivery
 * id, standing for its URL) and `page`, a keyset cursor as the access-request lists use. Blank
 * values mean "not given"; other parameters are ignored, as on the audit page.
 */
export interface WebhookQuery extends WebhookFilters {
  page?: PageCursor;
}

/** Rows on one page: an outbox of thousands is read a page at a time. */
export const WEBHOOK_PAGE_SIZE = 50;

const blankIsAbsent = (v: unknown) => (typeof v === "string" && v.trim() === "" ? undefined : v);

const querySchema = z.object({
  state: z.preprocess(
    blankIsAbsent,
    z
      .string()
      .refine(isWebhookDeliveryState, `must be one of ${WEBHOOK_DELIVERY_STATES.join(", ")}`)
      .optional(),
  ),
  request: z.preprocess(blankIsAbsent, recordId.optional()),
  destination: z.preprocess(blankIsAbsent, recordId.optional()),
  page: pageCursorParam,
});

/**
 * Reads the page's query. A parameter given twice, a state that is not one, a malformed id or a
 * cursor that is not one of ours is an issue naming it: the page says so above the list rather
 * than quietly showing every delivery as if it had been filtered.
 */
export function parseWebhookQuery(
  params: QueryInput,
): { ok: true; query: WebhookQuery } | { ok: false; issues: FieldIssue[] } {
  const single = readSingleValuedQuery(params);
  if (!single.ok) return { ok: false, issues: single.issues };
  const parsed = querySchema.safeParse(single.query.toObject());
  if (!parsed.success) return { ok: false, issues: fieldIssuesOf(parsed.error, "query") };
  const { state, request, destination, page } = parsed.data;
  const query: WebhookQuery = {};
  if (state && isWebhookDeliveryState(state)) query.state = state;
  if (request) query.request = request;
  if (destination) query.destination = destination;
  if (page) query.page = page;
  return { ok: true, query };
}

import { z } from "zod";
import { retryWebhookDelivery } from "@/lib/access-requests/webhook-deliveries";
import { kickAccessRequestWorker } from "@/lib/access-requests/worker";
import { actorOf } from "@/lib/audit/actor";
import { currentTime } from "@/lib/clock";
import { getDb } from "@/lib/db/client";
import { recordId } from "@/lib/db/record-id";
import { withSession } from "@/lib/http/api-handler";
import { otherMethods } from "@/lib/http/fallback-handlers";

/**
 * POST (admins only): puts a failed webhook delivery back in the queue, due now, audited as
 * admin.webhook.retried. 404 for an unknown id, 409 when it is not failed.
 */
export const POST = withSession(
  z.object({ deliveryId: recordId }),
  async ({ user, meta, params }) => {
    await retryWebhookDelivery(getDb(), params.deliveryId, actorOf(user), meta, currentTime());
    // Once committed, post it at once rather than at the next periodic run
    // (docs/ACCESS-REQUESTS.md "Webhooks: an outbox").
    kickAccessRequestWorker();
    return new Response(null, { status: 204, headers: { "Cache-Control": "no-store" } });
  },
  { privilege: "admin" },
);

export const { GET, PUT, PATCH, DELETE, OPTIONS } = otherMethods({ POST });

import { z } from "zod";
import { cancelAccessRequest } from "@/lib/access-requests/close-request";
import { requestContextFor, runRequestOperation } from "@/lib/access-requests/request-context";
import { recordId } from "@/lib/db/record-id";
import { withSession } from "@/lib/http/api-handler";
import { otherMethods } from "@/lib/http/fallback-handlers";

/** POST: the requester withdraws their request (pending, or approved and not yet started). */
export const POST = withSession(
  z.object({ requestId: recordId }),
  async ({ user, meta, params }) => {
    const ctx = requestContextFor(user, meta);
    await runRequestOperation(ctx, "cancel", { requestId: params.requestId }, () =>
      cancelAccessRequest(ctx, params.requestId),
    );
    return new Response(null, { status: 204, headers: { "Cache-Control": "no-store" } });
  },
);

export const { GET, PUT, PATCH, DELETE, OPTIONS } = otherMethods({ POST });

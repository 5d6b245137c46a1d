import { z } from "zod";
import { revokeElevation } from "@/lib/access-requests/close-request";
import { freeText } from "@/lib/access-requests/free-text";
import { requestContextFor, runRequestOperation } from "@/lib/access-requests/request-context";
import { recordId } from "@/lib/db/record-id";
import { readJsonBody, withSession } from "@/lib/http/api-handler";
import { otherMethods } from "@/lib/http/fallback-handlers";

const body = z.strictObject({
  comment: freeText(1000).optional(),
});

/** POST: ends an elevation now — by the requester, an approver of its rule, or an admin. */
export const POST = withSession(
  z.object({ requestId: recordId }),
  async ({ request, user, meta, params }) => {
    const input = await readJsonBody(request, body);
    const ctx = requestContextFor(user, meta);
    await runRequestOperation(ctx, "revoke", { requestId: params.requestId }, () =>
      revokeElevation(ctx, params.requestId, input.comment ?? ""),
    );
    return new Response(null, { status: 204, headers: { "Cache-Control": "no-store" } });
  },
);

export const { GET, PUT, PATCH, DELETE, OPTIONS } = otherMethods({ POST });

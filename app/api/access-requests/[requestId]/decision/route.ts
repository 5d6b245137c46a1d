import { NextResponse } from "next/server";
import { z } from "zod";
import { decideAccessRequest } from "@/lib/access-requests/decide";
import { freeText } from "@/lib/access-requests/free-text";
import { requestContextFor, runRequestOperation } from "@/lib/access-requests/request-context";
import { recordId } from "@/lib/db/record-id";
import { NO_STORE, readJsonBody, withSession } from "@/lib/http/api-handler";
import { otherMethods } from "@/lib/http/fallback-handlers";

const body = z.strictObject({
  decision: z.enum(["approve", "deny"], { message: 'must be "approve" or "deny"' }),
  comment: freeText(1000).optional(),
});

/** POST: one approver approves or denies a pending request. */
export const POST = withSession(
  z.object({ requestId: recordId }),
  async ({ request, user, meta, params }) => {
    const input = await readJsonBody(request, body);
    const ctx = requestContextFor(user, meta);
    const result = await runRequestOperation(
      ctx,
      input.decision,
      { requestId: params.requestId },
      () => decideAccessRequest(ctx, { ...input, requestId: params.requestId }),
    );
    return NextResponse.json(result, { headers: NO_STORE });
  },
);

export const { GET, PUT, PATCH, DELETE, OPTIONS } = otherMethods({ POST });

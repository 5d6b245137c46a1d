import { NextResponse } from "next/server";
import { z } from "zod";
import { currentTime } from "@/lib/clock";
import { getDb } from "@/lib/db/client";
import { recordId } from "@/lib/db/record-id";
import { CHANGE_KINDS } from "@/lib/discovery/changes";
import { getDiscoveryRun } from "@/lib/discovery/runs";
import { zodValidationError } from "@/lib/validation-error";
import { NO_STORE, withSession } from "@/lib/http/api-handler";
import { otherMethods } from "@/lib/http/fallback-handlers";
import { singleValuedQuery } from "@/lib/query-params";

const query = z.object({
  kind: z
    .enum(CHANGE_KINDS as [string, ...string[]], {
      message: `must be one of ${CHANGE_KINDS.join(", ")}`,
    })
    .optional(),
  pending: z.enum(["1", "0"], { message: "must be 1 or 0" }).optional(),
  q: z.string().max(200, "must be at most 200 characters").optional(),
  offset: z.coerce
    .number({ message: "must be a number" })
    .int("must be a whole number")
    .min(0, "must be 0 or more")
    .max(1_000_000, "must be at most 1,000,000")
    .optional(),
  limit: z.coerce
    .number({ message: "must be a number" })
    .int("must be a whole number")
    .min(1, "must be at least 1")
    .max(1000, "must be at most 1,000")
    .optional(),
});

/**
 * GET (admins): one run's progress, then its changes (a page of them: ?kind=, ?pending=1, ?q=,
 * ?offset=, ?limit= up to 1,000) with which are applied, and its notices.
 */
export const GET = withSession(
  z.object({ runId: recordId }),
  async ({ request, params }) => {
    const parsed = query.safeParse(singleValuedQuery(request.nextUrl.searchParams).toObject());
    if (!parsed.success) throw zodValidationError(parsed.error, "query");
    const { kind, pending, q, offset, limit } = parsed.data;
    const run = await getDiscoveryRun(getDb(), params.runId, currentTime(), {
      ...(kind ? { kind: kind as (typeof CHANGE_KINDS)[number] } : {}),
      pending: pending === "1",
      ...(q ? { search: q } : {}),
      ...(offset !== undefined ? { offset } : {}),
      ...(limit !== undefined ? { limit } : {}),
    });
    return NextResponse.json(run, { headers: NO_STORE });
  },
  { privilege: "admin" },
);

export const { POST, PUT, PATCH, DELETE, OPTIONS } = otherMethods({ GET });

import { NextResponse } from "next/server";
import { z } from "zod";
import { parseListQuery } from "@/lib/access-requests/list-query";
import { listRequestsFor } from "@/lib/access-requests/list-requests";
import { requestAccess, requestAccessBody } from "@/lib/access-requests/request-access";
import { requestContextFor, runRequestOperation } from "@/lib/access-requests/request-context";
import { kickAccessRequestWorker } from "@/lib/access-requests/worker";
import { getConfig } from "@/lib/config";
import { enforceRateLimit } from "@/lib/rate-limit/counter";
import { NO_STORE, readJsonBody, withSession } from "@/lib/http/api-handler";
import { otherMethods } from "@/lib/http/fallback-handlers";
import { validationErrorOf } from "@/lib/validation-error";

/**
 * GET: the caller's own requests and the requests they may decide, a page of each, with the
 * queue's filters (docs/ACCESS-REQUESTS.md "Paging and filters").
 */
export const GET = withSession(z.object({}).optional(), async ({ request, user, meta }) => {
  const parsed = parseListQuery(request.nextUrl.searchParams);
  if (!parsed.ok) throw validationErrorOf(parsed.issues);
  const ctx = requestContextFor(user, meta);
  // Anything the clock decided since the last sweep is written (and told) now.
  kickAccessRequestWorker();
  return NextResponse.json(await listRequestsFor(ctx, parsed.query, parsed.linked), {
    headers: NO_STORE,
  });
});

/** POST: requests a role the caller is eligible for (or activates a break-glass rule). */
export const POST = withSession(z.object({}).optional(), async ({ request, user, meta }) => {
  const input = await readJsonBody(request, requestAccessBody);
  const ctx = requestContextFor(user, meta);
  // Each request notifies approvers: a person filing (and cancelling) in a loop is held to the
  // issuance rate (docs/SECURITY.md "Rate limits"), counted apart from their issuances.
  await enforceRateLimit(
    ctx.db,
    getConfig().rateLimits,
    "issue",
    `request:${user.personId}`,
    ctx.now,
  );
  // The body is checked by requestAccess; a refusal's record names the role it asked for.
  const roleId = typeof input.roleId === "string" ? input.roleId.trim() : "";
  const created = await runRequestOperation(ctx, "request", { roleId }, () =>
    requestAccess(ctx, input),
  );
  return NextResponse.json(created, { status: 201, headers: NO_STORE });
});

export const { PUT, PATCH, DELETE, OPTIONS } = otherMethods({ GET, POST });

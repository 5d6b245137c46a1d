import "server-only";
import type { NextRequest } from "next/server";
import type { RequestMeta } from "@/lib/request-meta";
import { errorResponse } from "./api-handler";
import { singleValuedQuery, type SingleValuedQuery } from "@/lib/query-params";

/**
 * For a route handler outside withSession and withCliToken (a browser navigation that otherwise
 * answers with redirects): its query, or the 400 in the API's error shape to answer with when a
 * parameter is given more than once (docs/SECURITY.md "Input").
 */
export function routeQuery(request: NextRequest, meta: RequestMeta): SingleValuedQuery | Response {
  try {
    return singleValuedQuery(request.nextUrl.searchParams);
  } catch (error) {
    return errorResponse(error, meta);
  }
}

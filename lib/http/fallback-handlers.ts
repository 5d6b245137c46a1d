import "server-only";
import type { NextRequest } from "next/server";
import { AppError } from "@/lib/errors";
import { errorResponse } from "./api-handler";
import { requestMetaFrom } from "./request-meta";

/** Unknown API paths answer in the API's JSON error shape, with a request id, not an HTML page. */
export function apiNotFound(request: NextRequest): Response {
  return errorResponse(
    new AppError("not_found", "There is no API endpoint at this path."),
    requestMetaFrom(request.headers),
  );
}

/** A known endpoint called with the wrong method: 405 with the methods it accepts. */
export function methodNotAllowed(allowed: string[]) {
  return (request: NextRequest): Response => {
    const response = errorResponse(
      new AppError("method_not_allowed", `This endpoint only accepts ${allowed.join(", ")}.`),
      requestMetaFrom(request.headers),
    );
    response.headers.set("Allow", allowed.join(", "));
    return response;
  };
}

/** The methods a route may serve with a handler of its own (HEAD and OPTIONS follow from them). */
const ROUTE_METHODS = ["GET", "POST", "PUT", "PATCH", "DELETE"] as const;
type RouteMethod = (typeof ROUTE_METHODS)[number];
type FallbackHandler = (request: NextRequest) => Response;

/**
 * What a route answers to, in a fixed order: the methods it serves, HEAD where it serves GET (Next.js
 * answers HEAD from GET), and OPTIONS.
 */
export function allowedMethods(served: readonly RouteMethod[]): string[] {
  const allowed: string[] = [];
  for (const method of ROUTE_METHODS) {
    if (!served.includes(method)) continue;
    allowed.push(method);
    if (method === "GET") allowed.push("HEAD");
  }
  allowed.push("OPTIONS");
  return allowed;
}

/**
 * The handlers for every method a route does not serve, from the ones it does: a 405 for each and
 * a 204 for OPTIONS, both with an Allow naming exactly what the route serves. Without an OPTIONS
 * of its own, Next.js answers one whose Allow lists every exported method, 405s included. A route
 * exports its handlers and then, from this, the rest:
 * `export const { GET, PUT, PATCH, DELETE, OPTIONS } = otherMethods({ POST });`
 */
export function otherMethods<Served extends Partial<Record<RouteMethod, unknown>>>(
  served: Served,
): Record<Exclude<RouteMethod, keyof Served> | "OPTIONS", FallbackHandler> {
  const allowed = allowedMethods(ROUTE_METHODS.filter((m) => served[m] !== undefined));
  const notAllowed = methodNotAllowed(allowed);
  const options: FallbackHandler = () =>
    new Response(null, { status: 204, headers: { Allow: allowed.join(", ") } });
  const handlers: Record<string, FallbackHandler> = { OPTIONS: options };
  for (const method of ROUTE_METHODS)
    if (served[method] === undefined) handlers[method] = notAllowed;
  return handlers;
}

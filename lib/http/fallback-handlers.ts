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

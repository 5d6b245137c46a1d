import { NextResponse, type NextRequest } from "next/server";

/**
 * Stamps every request with a fresh request id (replacing any the client sent) so logs, audit
 * events and error messages can be correlated. Authentication is NOT done here: each page and
 * handler checks for itself (DESIGN.md invariant 4).
 */
export function proxy(request: NextRequest): NextResponse {
  const requestId = crypto.randomUUID();
  const headers = new Headers(request.headers);
  headers.set("x-request-id", requestId);
  const response = NextResponse.next({ request: { headers } });
  response.headers.set("x-request-id", requestId);
  return response;
}

export const config = {
  matcher: ["/((?!_next/static|_next/image|favicon.ico).*)"],
};

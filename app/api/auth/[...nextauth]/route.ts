import NextAuth from "next-auth";
import type { NextRequest } from "next/server";
import { buildAuthOptions } from "@/lib/auth/auth-options";
import { requestMetaFrom } from "@/lib/http/request-meta";
import { NO_STORE } from "@/lib/http/api-handler";

type Context = { params: Promise<{ nextauth: string[] }> };

async function handle(request: NextRequest, context: Context): Promise<Response> {
  const meta = requestMetaFrom(request.headers);
  const response = (await NextAuth(request, context, buildAuthOptions(meta))) as Response;
  // A failed sign-in lands on /signin?error=…: add this request's id so the user can quote it and
  // an admin can find the specific reason in the audit log.
  const location = response.headers.get("location");
  if (location && /[?&]error=/.test(location)) {
    const url = new URL(location, request.nextUrl.origin);
    url.searchParams.set("requestId", meta.requestId);
    response.headers.set("location", url.toString());
  }
  for (const [key, value] of Object.entries(NO_STORE)) response.headers.set(key, value);
  return response;
}

export { handle as GET, handle as POST };

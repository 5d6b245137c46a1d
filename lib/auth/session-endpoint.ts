import "server-only";
import { NextResponse, type NextRequest } from "next/server";
import { currentTime } from "@/lib/clock";
import { getConfig } from "@/lib/config";
import { getDb } from "@/lib/db/client";
import { NO_STORE } from "@/lib/http/api-handler";
import { privilegeSettingsOf } from "./current-user";
import { findActiveSessionUser } from "./portal-session";
import { readSessionId } from "./session-cookie";

/**
 * GET (and HEAD) /api/auth/session, next-auth's client-facing session, answered from the
 * server-side session row (docs/SECURITY.md "Cookies"): `{ expires }` with the row's own end while
 * it is live, and `{}` — next-auth's "nobody" — once it was signed out, revoked or has expired.
 * next-auth alone would read only its cookie: a revoked session would still look signed in, with
 * an end that moves forward on every read, and the cookie would be issued again. Never the id.
 */
export async function sessionEndpointResponse(request: NextRequest): Promise<Response> {
  const config = getConfig();
  const sessionId = await readSessionId(config, request.cookies);
  const user = await findActiveSessionUser(getDb(), sessionId, {
    now: currentTime(),
    ...privilegeSettingsOf(config),
  });
  const body = user ? { expires: user.sessionExpiresAt.toISOString() } : {};
  const response = NextResponse.json(body, { headers: NO_STORE });
  return request.method === "HEAD"
    ? new Response(null, { status: response.status, headers: response.headers })
    : response;
}

import type { NextRequest } from "next/server";
import { signOutResponse } from "@/lib/auth/sign-out-response";
import { methodNotAllowed } from "@/lib/http/fallback-handlers";

/** Signing out: the portal session, then the IdP's where it supports single logout. */
export function POST(request: NextRequest): Promise<Response> {
  return signOutResponse(request);
}

const onlyPost = methodNotAllowed(["POST"]);
export { onlyPost as GET, onlyPost as PUT, onlyPost as PATCH, onlyPost as DELETE };

import type { NextRequest } from "next/server";
import { signOutResponse } from "@/lib/auth/sign-out-response";
import { otherMethods } from "@/lib/http/fallback-handlers";

/** Signing out: the portal session, then the IdP's where it supports single logout. */
export function POST(request: NextRequest): Promise<Response> {
  return signOutResponse(request);
}

export const { GET, PUT, PATCH, DELETE, OPTIONS } = otherMethods({ POST });

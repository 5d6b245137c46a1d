import "server-only";
import { encode } from "next-auth/jwt";
import type { AppConfig } from "@/lib/config";

/**
 * The session cookie next-auth reads, minted for sign-ins that don't go through next-auth (SAML).
 * Same name, flags and content ({ sid }) as an OIDC sign-in's, so every later request is handled
 * by one code path: getSignedInUser → the server-side session row.
 */
export async function sessionCookieFor(
  config: AppConfig,
  sessionId: string,
  expiresAt: Date,
): Promise<{
  name: string;
  value: string;
  options: { httpOnly: true; sameSite: "lax"; path: "/"; secure: boolean; expires: Date };
}> {
  const secure = config.publicUrl.startsWith("https://");
  const maxAge = Math.max(1, Math.floor((expiresAt.getTime() - Date.now()) / 1000));
  const value = await encode({ token: { sid: sessionId }, secret: config.authSecret, maxAge });
  return {
    name: `${secure ? "__Secure-" : ""}next-auth.session-token`,
    value,
    options: { httpOnly: true, sameSite: "lax", path: "/", secure, expires: expiresAt },
  };
}

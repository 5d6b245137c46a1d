import "server-only";
import type { AppConfig } from "@/lib/config";
import { BINDING_COOKIE, newBindingValue } from "./authn-requests";

/**
 * The cookie that ties an AuthnRequest to the browser that started it. The IdP's POST back is
 * cross-site in production, so over https it is SameSite=None; Secure (a Lax cookie would not come
 * back with the POST). It holds only a random value; the database keeps its hash.
 */
export function bindingCookie(config: AppConfig, existing: string | undefined) {
  const secure = config.publicUrl.startsWith("https://");
  const value = existing && /^[A-Za-z0-9_-]{43}$/.test(existing) ? existing : newBindingValue();
  return {
    name: BINDING_COOKIE,
    value,
    options: {
      httpOnly: true,
      secure,
      sameSite: secure ? ("none" as const) : ("lax" as const),
      path: "/api/",
      maxAge: 60 * 60,
    },
  };
}

import "server-only";
import { NextResponse } from "next/server";
import { getConfig } from "@/lib/config";
import { NO_STORE } from "./api-handler";
import type { RequestMeta } from "@/lib/request-meta";

/**
 * A 303 (the browser follows with GET) that no cache keeps, to a portal path or an absolute URL.
 * The browser-facing SAML routes answer with these instead of JSON.
 */
export function seeOther(target: string): NextResponse {
  return NextResponse.redirect(new URL(target, getConfig().publicUrl), {
    status: 303,
    headers: NO_STORE,
  });
}

/** A portal path with this request's id appended, so the page can show it for support. */
export function withRequestId(path: string, meta: RequestMeta): string {
  return `${path}${path.includes("?") ? "&" : "?"}requestId=${encodeURIComponent(meta.requestId)}`;
}

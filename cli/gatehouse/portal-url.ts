import { UsageError } from "./exit-codes";

/**
 * The portal's base URL, normalised so one portal always has one spelling: it is part of the
 * credential cache key and of the `gatehouse_managed` mark in ~/.aws/config (docs/CLI.md).
 */
export function normalizePortalUrl(raw: string): string {
  let url: URL;
  try {
    url = new URL(raw.trim());
  } catch {
    throw new UsageError(`the portal URL ${JSON.stringify(raw)} is not a URL`);
  }
  if (url.protocol !== "https:" && url.protocol !== "http:") {
    throw new UsageError("the portal URL must start with https://");
  }
  if (url.username || url.password || url.search || url.hash) {
    throw new UsageError("the portal URL must not carry a user name, password, query or fragment");
  }
  // A bearer token sent over plain HTTP can be read on the way; only this machine is exempt.
  if (url.protocol === "http:" && !isLoopbackHost(url.hostname)) {
    throw new UsageError(
      `refusing to use the portal over plain http (${url.origin}): use https://, or http:// only for localhost, 127.0.0.1 or [::1]`,
    );
  }
  return `${url.origin}${url.pathname.replace(/\/+$/, "")}`;
}

export function isLoopbackHost(hostname: string): boolean {
  return hostname === "localhost" || hostname === "127.0.0.1" || hostname === "[::1]";
}

/** Whether `portalUrl` (already normalised) is a loopback http:// portal. */
export function isInsecureLoopback(portalUrl: string): boolean {
  return portalUrl.startsWith("http:");
}

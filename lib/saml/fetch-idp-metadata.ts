import "server-only";
import { readCappedBytes } from "@/lib/http/request-body";
import { MetadataError } from "./idp-metadata";
import { MAX_METADATA_BYTES, METADATA_TOO_LARGE } from "./metadata-limits";

const TIMEOUT_SECONDS = 10;

/**
 * Fetches metadata from a URL: https (http only for localhost), 10 s for the whole answer, body
 * included, at most 512 KiB read, redirects refused (naming where they lead, so the admin can give
 * that address instead). Every failure is a MetadataError an admin can act on.
 * Admin-only (SSRF): the caller must have checked the admin role.
 */
export async function fetchIdpMetadata(
  url: string,
  signal: AbortSignal = AbortSignal.timeout(TIMEOUT_SECONDS * 1000),
): Promise<string> {
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    throw new MetadataError("The metadata URL is not a valid URL.");
  }
  const isLocal = ["localhost", "127.0.0.1", "[::1]"].includes(parsed.hostname);
  if (parsed.protocol !== "https:" && !(parsed.protocol === "http:" && isLocal)) {
    throw new MetadataError("The metadata URL must use https.");
  }
  try {
    const response = await fetch(parsed, { redirect: "manual", signal, cache: "no-store" });
    if (response.status >= 300 && response.status < 400) {
      await response.body?.cancel().catch(() => undefined);
      const location = response.headers.get("location");
      let target = "";
      try {
        if (location) target = ` to ${new URL(location, parsed).href.slice(0, 300)}`;
      } catch {
        target = "";
      }
      throw new MetadataError(
        `The metadata URL redirects${target} (HTTP ${response.status}). Redirects are not followed: give the address of the metadata itself.`,
      );
    }
    if (!response.ok) {
      await response.body?.cancel().catch(() => undefined);
      throw new MetadataError(`The metadata URL answered HTTP ${response.status}.`);
    }
    if (Number(response.headers.get("content-length")) > MAX_METADATA_BYTES) {
      await response.body?.cancel().catch(() => undefined);
      throw new MetadataError(METADATA_TOO_LARGE);
    }
    const bytes = await readCappedBytes(
      response.body,
      MAX_METADATA_BYTES,
      () => new MetadataError(METADATA_TOO_LARGE),
    );
    return new TextDecoder().decode(bytes);
  } catch (error) {
    if (error instanceof MetadataError) throw error;
    if (signal.aborted)
      throw new MetadataError(
        `The metadata URL did not send its metadata within ${TIMEOUT_SECONDS} seconds.`,
      );
    throw new MetadataError(
      "The metadata URL could not be fetched (unknown host, connection refused or TLS error).",
    );
  }
}

import "server-only";
import { X509Certificate } from "node:crypto";
import { NS, attributeOrNull, descendants, parseXmlStrict, trimmedText } from "./xml-dom";
import { assertSafeXml } from "./xml-safety";
import { SamlRejection } from "./types";

const MD_NS = "urn:oasis:names:tc:SAML:2.0:metadata";
const REDIRECT = "urn:oasis:names:tc:SAML:2.0:bindings:HTTP-Redirect";
const MAX_METADATA_BYTES = 512 * 1024;

export interface ParsedIdpMetadata {
  entityId: string;
  ssoUrl: string;
  /** The HTTP-Redirect SingleLogoutService, or null when the IdP offers no single logout. */
  sloUrl: string | null;
  /** PEM certificates with use="signing" (or no use), deduplicated. */
  signingCertificates: string[];
  /** The NameIDFormat values the IdP advertises (none: it doesn't say). */
  nameIdFormats: string[];
}

/** Why metadata could not be imported, in words an admin can act on. */
export class MetadataError extends Error {
  constructor(message: string) {
    super(message);
    this.name = "MetadataError";
  }
}

export function toPem(base64: string): string {
  const body = base64.replace(/\s+/g, "");
  const lines = body.match(/.{1,64}/g) ?? [];
  return `-----BEGIN CERTIFICATE-----\n${lines.join("\n")}\n-----END CERTIFICATE-----`;
}

/**
 * Reads an IdP's SAML metadata: entityID, the HTTP-Redirect SingleSignOnService (and
 * SingleLogoutService, if any), and every signing certificate (several during a rollover). Refuses DOCTYPEs, entities and oversized
 * documents like any other SAML input, and checks each certificate parses.
 * @throws MetadataError with a message naming what is missing or wrong.
 */
export function parseIdpMetadata(xml: string): ParsedIdpMetadata {
  if (Buffer.byteLength(xml, "utf8") > MAX_METADATA_BYTES)
    throw new MetadataError("The metadata is larger than 512 KiB.");
  let doc: Document;
  try {
    assertSafeXml(xml, { maxDepth: 48 });
    doc = parseXmlStrict(xml);
  } catch (error) {
    throw new MetadataError(
      error instanceof SamlRejection && error.reason !== "malformed_xml"
        ? "The metadata contains XML the portal refuses (a DOCTYPE, entities, comments or too deep nesting)."
        : "The metadata is not well-formed XML.",
    );
  }
  const entity = descendants(doc, MD_NS, "EntityDescriptor")[0];
  const entityId = entity ? attributeOrNull(entity, "entityID") : null;
  if (!entity || !entityId)
    throw new MetadataError("No EntityDescriptor with an entityID was found.");
  const idpDescriptor = descendants(entity, MD_NS, "IDPSSODescriptor")[0];
  if (!idpDescriptor)
    throw new MetadataError(
      "The metadata has no IDPSSODescriptor: is this an identity provider's metadata?",
    );
  const sso = descendants(idpDescriptor, MD_NS, "SingleSignOnService").find(
    (s) => attributeOrNull(s, "Binding") === REDIRECT,
  );
  const ssoUrl = sso ? attributeOrNull(sso, "Location") : null;
  if (!ssoUrl || !/^https?:\/\//.test(ssoUrl))
    throw new MetadataError("No HTTP-Redirect SingleSignOnService with an http(s) Location.");
  // Single logout is optional: an IdP without it (or with an unusable Location) gets none, and
  // signing out of the portal leaves its session alone (docs/SINGLE-LOGOUT.md).
  const slo = descendants(idpDescriptor, MD_NS, "SingleLogoutService").find(
    (s) => attributeOrNull(s, "Binding") === REDIRECT,
  );
  const sloLocation = slo ? attributeOrNull(slo, "Location") : null;
  const sloUrl = sloLocation && /^https?:\/\//.test(sloLocation) ? sloLocation : null;
  const certificates = new Set<string>();
  for (const key of descendants(idpDescriptor, MD_NS, "KeyDescriptor")) {
    const use = attributeOrNull(key, "use");
    if (use !== null && use !== "signing") continue;
    for (const cert of descendants(key, NS.dsig, "X509Certificate")) {
      const pem = toPem(trimmedText(cert));
      try {
        new X509Certificate(pem);
      } catch {
        throw new MetadataError("A signing certificate in the metadata could not be parsed.");
      }
      certificates.add(pem);
    }
  }
  if (certificates.size === 0) throw new MetadataError("The metadata has no signing certificate.");
  const nameIdFormats = [
    ...new Set(
      descendants(idpDescriptor, MD_NS, "NameIDFormat")
        .map((f) => trimmedText(f))
        .filter((f) => f !== ""),
    ),
  ];
  return { entityId, ssoUrl, sloUrl, signingCertificates: [...certificates], nameIdFormats };
}

/**
 * Fetches metadata from a URL: https (http only for localhost), 10 s timeout, size-capped, no
 * redirects to other schemes. Admin-only (SSRF): the caller must have checked the admin role.
 */
export async function fetchIdpMetadata(url: string): Promise<string> {
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
  let response: Response;
  try {
    response = await fetch(parsed, {
      redirect: "error",
      signal: AbortSignal.timeout(10_000),
      cache: "no-store",
    });
  } catch {
    throw new MetadataError(
      "The metadata URL could not be fetched (network error, timeout or redirect).",
    );
  }
  if (!response.ok) throw new MetadataError(`The metadata URL answered HTTP ${response.status}.`);
  const text = await response.text();
  if (Buffer.byteLength(text, "utf8") > MAX_METADATA_BYTES)
    throw new MetadataError("The metadata is larger than 512 KiB.");
  return text;
}

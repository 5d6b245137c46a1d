import "server-only";
import { X509Certificate } from "node:crypto";
import { NS, attributeOrNull, descendants, parseXmlStrict, trimmedText } from "./xml-dom";
import { assertSafeXml } from "./xml-safety";
import { MAX_METADATA_BYTES, METADATA_TOO_LARGE } from "./metadata-limits";
import { SamlRejection } from "./types";

const MD_NS = "urn:oasis:names:tc:SAML:2.0:metadata";
const REDIRECT = "urn:oasis:names:tc:SAML:2.0:bindings:HTTP-Redirect";

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
 * The IdP entity to read. A document may be an EntitiesDescriptor naming several entities (an
 * aggregate, or IdP and SP together): taking the first would silently configure another IdP than
 * the admin meant, so several IdPs need `entityId` to say which (a refresh knows it).
 */
function selectIdpEntity(doc: Document, entityId: string | undefined): Element {
  const entities = descendants(doc, MD_NS, "EntityDescriptor").filter(
    (e) => (attributeOrNull(e, "entityID") ?? "") !== "",
  );
  if (entities.length === 0)
    throw new MetadataError("No EntityDescriptor with an entityID was found.");
  const idps = entities.filter((e) => descendants(e, MD_NS, "IDPSSODescriptor").length > 0);
  if (idps.length === 0)
    throw new MetadataError(
      "The metadata has no IDPSSODescriptor: is this an identity provider's metadata?",
    );
  if (idps.length === 1) return idps[0] as Element;
  const wanted = idps.find((e) => attributeOrNull(e, "entityID") === entityId);
  if (wanted) return wanted;
  const names = idps.slice(0, 5).map((e) => (attributeOrNull(e, "entityID") ?? "").slice(0, 200));
  const listed = `${names.join(", ")}${idps.length > names.length ? ", …" : ""}`;
  throw new MetadataError(
    entityId === undefined
      ? `The metadata describes ${idps.length} identity providers (${listed}): give the metadata of the one to add (its EntityDescriptor alone).`
      : `The metadata describes ${idps.length} identity providers (${listed}), none of them ${entityId.slice(0, 200)}.`,
  );
}

/**
 * Reads an IdP's SAML metadata: entityID, the HTTP-Redirect SingleSignOnService (and
 * SingleLogoutService, if any), and every signing certificate (several during a rollover). Refuses
 * DOCTYPEs, entities and oversized documents like any other SAML input, and checks each
 * certificate parses. Comments are allowed: IdPs (Shibboleth's, for one) ship commented metadata,
 * and nothing here is signature-checked, so a comment can't split a signed value.
 * `entityId` picks the IdP out of a document describing several.
 * @throws MetadataError with a message naming what is missing or wrong.
 */
export function parseIdpMetadata(xml: string, opts: { entityId?: string } = {}): ParsedIdpMetadata {
  if (Buffer.byteLength(xml, "utf8") > MAX_METADATA_BYTES)
    throw new MetadataError(METADATA_TOO_LARGE);
  let doc: Document;
  try {
    assertSafeXml(xml, { maxDepth: 48, allowComments: true });
    doc = parseXmlStrict(xml);
  } catch (error) {
    throw new MetadataError(
      error instanceof SamlRejection && error.reason !== "malformed_xml"
        ? "The metadata contains XML the portal refuses (a DOCTYPE, entities or too deep nesting)."
        : "The metadata is not well-formed XML.",
    );
  }
  const entity = selectIdpEntity(doc, opts.entityId);
  const entityId = attributeOrNull(entity, "entityID") ?? "";
  const idpDescriptor = descendants(entity, MD_NS, "IDPSSODescriptor")[0] as Element;
  const sso = descendants(idpDescriptor, MD_NS, "SingleSignOnService").find(
    (s) => attributeOrNull(s, "Binding") === REDIRECT,
  );
  const ssoUrl = sso ? attributeOrNull(sso, "Location") : null;
  if (!ssoUrl || !/^https?:\/\//.test(ssoUrl)) {
    // Say what the IdP does offer (e.g. only HTTP-Artifact), so the admin knows what to enable.
    const offered = descendants(idpDescriptor, MD_NS, "SingleSignOnService")
      .map((s) => (attributeOrNull(s, "Binding") ?? "").replace(/^.*:bindings:/, "").slice(0, 80))
      .filter((b, i, all) => b !== "" && all.indexOf(b) === i);
    throw new MetadataError(
      `No HTTP-Redirect SingleSignOnService with an http(s) Location (the portal sends its AuthnRequest with HTTP-Redirect; this metadata offers ${offered.length ? offered.join(", ") : "none"}).`,
    );
  }
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

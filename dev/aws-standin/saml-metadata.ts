/**
 * IAM SAML providers: an ARN plus the IdP's metadata document, from which AWS keeps the entityID
 * (the Issuer it expects) and the signing certificates (the only keys it verifies with).
 */
import { X509Certificate } from "node:crypto";
import { parseSamlProviderArn, type StandinPartition } from "./partitions";
import {
  attributeOf,
  childElements,
  optionalChild,
  parseStrictXml,
  SAML_NS,
  textOf,
  XmlRefusedError,
} from "./saml-xml";

/** IAM's limit on a SAML metadata document. */
const MAX_METADATA_CHARS = 10_000_000;

/** A provider as the world or a registration describes it. */
export interface StandinSamlProvider {
  /** `arn:<partition>:iam::<account>:saml-provider/<Name>` */
  arn: string;
  /** The IdP's SAML 2.0 metadata (an md:EntityDescriptor with an md:IDPSSODescriptor). */
  metadataXml: string;
}

/** A registered provider, with what its metadata says. */
export interface ResolvedSamlProvider {
  arn: string;
  partition: StandinPartition;
  account: string;
  /** The friendly name, the last part of the ARN. */
  name: string;
  entityId: string;
  /** Signing certificates from the metadata: any one of them may verify (rollover). */
  certificates: X509Certificate[];
}

/**
 * Checks a provider's ARN and parses its metadata.
 *
 * @throws TypeError naming the provider when the ARN is not a SAML provider ARN, or the metadata
 *   is not one EntityDescriptor with an entityID and an IDPSSODescriptor holding at least one
 *   signing certificate that parses as X.509.
 */
export function resolveSamlProvider(provider: StandinSamlProvider): ResolvedSamlProvider {
  const parts = parseSamlProviderArn(String(provider.arn));
  if (!parts) {
    throw new TypeError(
      `stand-in SAML provider: ${String(provider.arn)} is not a SAML provider ARN`,
    );
  }
  if (
    typeof provider.metadataXml !== "string" ||
    provider.metadataXml.length > MAX_METADATA_CHARS
  ) {
    throw new TypeError(`stand-in SAML provider ${provider.arn}: metadataXml must be a string`);
  }
  try {
    const { entityId, certificates } = parseIdpMetadata(provider.metadataXml);
    return { arn: provider.arn, ...parts, entityId, certificates };
  } catch (error) {
    const reason = error instanceof Error ? error.message : String(error);
    throw new TypeError(`stand-in SAML provider ${provider.arn}: metadata ${reason}`);
  }
}

function parseIdpMetadata(xml: string): { entityId: string; certificates: X509Certificate[] } {
  const root = parseStrictXml(xml);
  if (root.namespaceURI !== SAML_NS.metadata || root.localName !== "EntityDescriptor") {
    throw new XmlRefusedError("must be one md:EntityDescriptor");
  }
  const entityId = attributeOf(root, "entityID")?.trim();
  if (!entityId) throw new XmlRefusedError("has no entityID");
  const idp = optionalChild(root, SAML_NS.metadata, "IDPSSODescriptor");
  if (!idp) throw new XmlRefusedError("has no IDPSSODescriptor");

  const certificates: X509Certificate[] = [];
  for (const keyDescriptor of childElements(idp, SAML_NS.metadata, "KeyDescriptor")) {
    const use = attributeOf(keyDescriptor, "use");
    if (use !== undefined && use !== "signing") continue;
    for (const keyInfo of childElements(keyDescriptor, SAML_NS.dsig, "KeyInfo")) {
      for (const data of childElements(keyInfo, SAML_NS.dsig, "X509Data")) {
        for (const cert of childElements(data, SAML_NS.dsig, "X509Certificate")) {
          certificates.push(parseCertificate(textOf(cert)));
        }
      }
    }
  }
  if (certificates.length === 0) throw new XmlRefusedError("has no signing certificate");
  return { entityId, certificates };
}

function parseCertificate(base64: string): X509Certificate {
  const compact = base64.replace(/\s+/g, "");
  if (!/^[A-Za-z0-9+/]+={0,2}$/.test(compact)) {
    throw new XmlRefusedError("has a certificate that is not base64");
  }
  try {
    return new X509Certificate(Buffer.from(compact, "base64"));
  } catch {
    throw new XmlRefusedError("has a certificate that is not X.509");
  }
}

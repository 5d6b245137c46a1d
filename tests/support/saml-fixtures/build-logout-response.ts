import { createPrivateKey, randomBytes, sign as cryptoSign } from "node:crypto";
import { encodePostBinding, encodeRedirectBinding } from "./bindings";
import { escapeXml, samlInstant } from "./build-response";
import { ALGORITHMS, FIXTURE_IDP_ENTITY_ID, SAML_NS, STATUS } from "./constants";
import { signElementById, type SigningOptions } from "./sign";
import { getTestSigningKey, type TestSigningKey } from "./test-keys";

/**
 * Options of `buildLogoutResponse`: an IdP's answer to the portal's LogoutRequest (saml-core
 * §3.7.2). `null` omits the attribute or element.
 */
export interface LogoutResponseOptions {
  now?: Date;
  id?: string;
  issuer?: string | null;
  /** The portal's SLO URL, normally. */
  destination?: string | null;
  /** The LogoutRequest's ID. */
  inResponseTo?: string | null;
  issueInstant?: Date;
  /** Top-level StatusCode. Default Success. */
  statusCode?: string;
  /** Second-level StatusCode, if any (e.g. urn:oasis:names:tc:SAML:2.0:status:PartialLogout). */
  subStatusCode?: string;
  /** Replace the root element's name (e.g. "LogoutRequest" for a message of the wrong kind). */
  rootName?: string;
  /** Raw text placed before the root element (e.g. a DOCTYPE). */
  prolog?: string;
}

/** The LogoutResponse XML (unsigned) and its ID. */
export function buildLogoutResponse(opts: LogoutResponseOptions = {}): { xml: string; id: string } {
  const id = opts.id ?? `_${randomBytes(16).toString("hex")}`;
  const attr = (name: string, value: string | null | undefined) =>
    value === null || value === undefined ? "" : ` ${name}="${escapeXml(value)}"`;
  const issuer = opts.issuer === undefined ? FIXTURE_IDP_ENTITY_ID : opts.issuer;
  const root = opts.rootName ?? "LogoutResponse";
  const sub = opts.subStatusCode
    ? `<samlp:StatusCode Value="${escapeXml(opts.subStatusCode)}"/>`
    : "";
  const xml =
    (opts.prolog ?? "") +
    `<samlp:${root} xmlns:samlp="${SAML_NS.protocol}" xmlns:saml="${SAML_NS.assertion}" ID="${id}" Version="2.0"` +
    ` IssueInstant="${samlInstant(opts.issueInstant ?? opts.now ?? new Date())}"` +
    `${attr("Destination", opts.destination)}${attr("InResponseTo", opts.inResponseTo)}>` +
    (issuer === null ? "" : `<saml:Issuer>${escapeXml(issuer)}</saml:Issuer>`) +
    `<samlp:Status><samlp:StatusCode Value="${escapeXml(opts.statusCode ?? STATUS.success)}">${sub}</samlp:StatusCode></samlp:Status>` +
    `</samlp:${root}>`;
  return { xml, id };
}

/** How a Redirect-binding message is signed; `key: null` leaves it unsigned. */
export interface RedirectSigning {
  key?: TestSigningKey | null;
  /** Default rsa-sha256. */
  sigAlg?: string;
  relayState?: string;
}

const DIGEST_OF: Record<string, string> = {
  [ALGORITHMS.rsaSha1]: "sha1",
  [ALGORITHMS.rsaSha256]: "sha256",
  [ALGORITHMS.rsaSha384]: "sha384",
  [ALGORITHMS.rsaSha512]: "sha512",
  [ALGORITHMS.ecdsaSha256]: "sha256",
};

/**
 * The query string (no "?") of an HTTP-Redirect binding SAMLResponse: deflated, base64, URL-encoded,
 * with RelayState and the detached signature over `SAMLResponse=…&RelayState=…&SigAlg=…` as
 * saml-bindings §3.4.4.1 defines it.
 */
export function redirectBindingQuery(xml: string, signing: RedirectSigning = {}): string {
  const parts = [`SAMLResponse=${encodeURIComponent(encodeRedirectBinding(xml))}`];
  if (signing.relayState !== undefined)
    parts.push(`RelayState=${encodeURIComponent(signing.relayState)}`);
  const key = signing.key === undefined ? getTestSigningKey("idp") : signing.key;
  if (key === null) return parts.join("&");
  const sigAlg = signing.sigAlg ?? ALGORITHMS.rsaSha256;
  parts.push(`SigAlg=${encodeURIComponent(sigAlg)}`);
  const octets = Buffer.from(parts.join("&"), "utf8");
  const signature = cryptoSign(
    DIGEST_OF[sigAlg] ?? "sha256",
    octets,
    createPrivateKey(key.privateKeyPem),
  );
  parts.push(`Signature=${encodeURIComponent(signature.toString("base64"))}`);
  return parts.join("&");
}

/** The HTTP-POST binding SAMLResponse value of a LogoutResponse, signed (enveloped) unless `null`. */
export function postBindingLogoutResponse(
  built: { xml: string; id: string },
  signing: SigningOptions | null = {},
): string {
  const xml = signing === null ? built.xml : signElementById(built.xml, built.id, signing);
  return encodePostBinding(xml);
}

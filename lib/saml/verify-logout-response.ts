import "server-only";
import type { Db } from "@/lib/db/client";
import { findSamlIdpByEntityId, type SamlIdpConfig } from "./idp-registry";
import { checkTimes, parseSamlInstant } from "./saml-time";
import { validateSamlSchema } from "./schema-validator";
import { isAllowedSignatureAlgorithm, verifyDetachedSignature } from "./signature-algorithms";
import { SamlRejection, type TimeRules } from "./types";
import { assertSafeXml, decodePostBinding, inflateRedirectBinding } from "./xml-safety";
import {
  assertUniqueIds,
  attributeOrNull,
  childElements,
  descendants,
  isNamed,
  NS,
  parseXmlStrict,
  STATUS_SUCCESS,
  trimmedText,
} from "./xml-dom";
import { configuredPublicKeys, verifyEnvelopedSignature } from "./xml-signature";

/**
 * The IdP's answer to the LogoutRequest the portal sent at sign-out (docs/SINGLE-LOGOUT.md),
 * checked as strictly as a sign-in response at the ACS: size caps and safe XML, the SAML schema,
 * a signature by the configured certificates of the IdP it names (the HTTP-Redirect binding's
 * query signature, or the HTTP-POST binding's enveloped one; only allowlisted algorithms), its
 * Issuer, its Destination (the portal's SLO URL), its IssueInstant within the assertion age and
 * skew, and an InResponseTo. Whether that InResponseTo is a LogoutRequest this browser sent is
 * checked by the caller (it needs the database and the binding cookie).
 */

/** A LogoutResponse is a few hundred bytes; these caps leave room and stop bombs early. */
export const MAX_ENCODED_LOGOUT_BYTES = 32 * 1024;
export const MAX_LOGOUT_XML_BYTES = 32 * 1024;
/** LogoutResponse › Status › StatusCode › StatusCode, plus a signature's depth: 16 is plenty. */
const MAX_LOGOUT_DEPTH = 16;
const MAX_LOGOUT_NODES = 400;

/** How the LogoutResponse arrived. */
export type LogoutResponseMessage =
  | {
      binding: "redirect";
      /** The request URL's query exactly as received, without "?" (the signature covers it). */
      rawQuery: string;
    }
  | {
      binding: "post";
      samlResponse: unknown;
      /** Whether the form carried a SAMLRequest (an IdP-initiated LogoutRequest) instead. */
      hasSamlRequest?: boolean;
    };

export interface VerifiedLogoutResponse {
  responseId: string;
  inResponseTo: string;
  /** Whether the IdP says the logout succeeded (top-level StatusCode Success). */
  success: boolean;
  /** The top-level and second-level StatusCode values, for the audit log. */
  status: string;
  subStatus: string | null;
}

const SAML_RESPONSE = "SAMLResponse";
const REDIRECT_PARAMETERS = [
  "SAMLResponse",
  "SAMLRequest",
  "RelayState",
  "SigAlg",
  "Signature",
] as const;
type RedirectParameter = (typeof REDIRECT_PARAMETERS)[number];

/**
 * The HTTP-Redirect parameters, each as its raw (still URL-encoded) text and its decoded value.
 * The signature covers the raw text (saml-bindings §3.4.4.1), so the octets are rebuilt from it
 * rather than re-encoded. A parameter given twice is refused: which one is "the" value would be a
 * parser differential.
 */
function readRedirectParameters(
  rawQuery: string,
): Partial<Record<RedirectParameter, { raw: string; value: string }>> {
  const found: Partial<Record<RedirectParameter, { raw: string; value: string }>> = {};
  for (const pair of rawQuery.split("&")) {
    if (pair === "") continue;
    const eq = pair.indexOf("=");
    const name = eq < 0 ? pair : pair.slice(0, eq);
    const raw = eq < 0 ? "" : pair.slice(eq + 1);
    const known = REDIRECT_PARAMETERS.find((p) => p === name);
    if (!known) continue;
    if (found[known])
      throw new SamlRejection("malformed_binding", `the parameter ${known} is given twice`);
    let value: string;
    try {
      value = decodeURIComponent(raw);
    } catch {
      throw new SamlRejection("malformed_binding", `the parameter ${known} is not URL-encoded`);
    }
    found[known] = { raw, value };
  }
  return found;
}

/** docs/SINGLE-LOGOUT.md "Not done": a LogoutRequest from the IdP is refused by name. */
function idpInitiatedLogout(): SamlRejection {
  return new SamlRejection(
    "logout_request_unsupported",
    "an IdP-initiated LogoutRequest: the portal accepts LogoutResponses only",
  );
}

function statusOf(root: Element): { status: string; subStatus: string | null } {
  const status = childElements(root, NS.protocol, "Status")[0];
  const code = status ? childElements(status, NS.protocol, "StatusCode")[0] : undefined;
  const sub = code ? childElements(code, NS.protocol, "StatusCode")[0] : undefined;
  return {
    status: ((code && attributeOrNull(code, "Value")) ?? "missing").slice(0, 200),
    subStatus: sub ? (attributeOrNull(sub, "Value") ?? "").slice(0, 200) : null,
  };
}

/**
 * Verifies a LogoutResponse and returns what it says. `found.idp` is set as soon as the IdP its
 * Issuer names is known, so the caller's audit record can name it even when verification fails.
 * @throws SamlRejection with the first failed rule's reason.
 */
export async function verifyLogoutResponse(args: {
  db: Db;
  message: LogoutResponseMessage;
  /** The portal's SingleLogoutService URL: the only Destination accepted. */
  sloUrl: string;
  time: TimeRules;
  found: { idp: SamlIdpConfig | null };
}): Promise<VerifiedLogoutResponse> {
  const { message } = args;
  const limits = { maxEncodedBytes: MAX_ENCODED_LOGOUT_BYTES };
  let xml: string;
  let redirect: ReturnType<typeof readRedirectParameters> | null = null;
  if (message.binding === "redirect") {
    redirect = readRedirectParameters(message.rawQuery);
    if (redirect.SAMLRequest && !redirect.SAMLResponse) throw idpInitiatedLogout();
    const encoded = redirect.SAMLResponse;
    if (!encoded) throw new SamlRejection("not_base64", "no SAMLResponse parameter");
    // A '+' left unencoded by the IdP is base64's own, not a space.
    xml = inflateRedirectBinding(encoded.value, {
      ...limits,
      maxInflatedBytes: MAX_LOGOUT_XML_BYTES,
    });
  } else {
    if (message.hasSamlRequest && !message.samlResponse) throw idpInitiatedLogout();
    if (typeof message.samlResponse !== "string" || message.samlResponse === "")
      throw new SamlRejection("not_base64", "no SAMLResponse field");
    xml = decodePostBinding(message.samlResponse, { ...limits, maxXmlBytes: MAX_LOGOUT_XML_BYTES });
  }

  assertSafeXml(xml, { maxDepth: MAX_LOGOUT_DEPTH, maxNodes: MAX_LOGOUT_NODES });
  validateSamlSchema(xml);
  const doc = parseXmlStrict(xml);
  const root = doc.documentElement;
  if (!root || !isNamed(root, NS.protocol, "LogoutResponse"))
    throw new SamlRejection("unexpected_root", "the root element is not samlp:LogoutResponse");
  if (attributeOrNull(root, "Version") !== "2.0")
    throw new SamlRejection("unexpected_root", "not SAML 2.0");
  assertUniqueIds(doc);

  // The Issuer only selects whose certificates to try; it counts once the signature verifies.
  const issuers = childElements(root, NS.assertion, "Issuer");
  const claimedIssuer = issuers.length === 1 && issuers[0] ? trimmedText(issuers[0]) : "";
  if (claimedIssuer === "")
    throw new SamlRejection("issuer_mismatch", "expected exactly one non-empty Issuer");
  const idp = await findSamlIdpByEntityId(args.db, claimedIssuer);
  if (!idp)
    throw new SamlRejection(
      "unknown_idp",
      `no enabled IdP with entityID ${claimedIssuer.slice(0, 200)}`,
    );
  args.found.idp = idp;
  const publicKeys = configuredPublicKeys(idp.signingCertificates);

  // The element every later value is read from: the whole message when the query signature
  // covers it, the signed copy xml-crypto digested for the POST binding.
  let signed: Element;
  if (redirect) {
    const { SigAlg: sigAlg, Signature: signature, SAMLResponse: response } = redirect;
    if (!sigAlg || !signature || !response)
      throw new SamlRejection("response_unsigned", "the LogoutResponse has no query signature");
    if (!isAllowedSignatureAlgorithm(sigAlg.value))
      throw new SamlRejection(
        "weak_algorithm",
        `SigAlg ${sigAlg.value.slice(0, 100)} is not allowed`,
      );
    const octets = [
      `${SAML_RESPONSE}=${response.raw}`,
      ...(redirect.RelayState ? [`RelayState=${redirect.RelayState.raw}`] : []),
      `SigAlg=${sigAlg.raw}`,
    ].join("&");
    const signatureBytes = Buffer.from(signature.value.replace(/ /g, "+"), "base64");
    if (
      !verifyDetachedSignature(
        sigAlg.value,
        Buffer.from(octets, "utf8"),
        signatureBytes,
        publicKeys,
      )
    )
      throw new SamlRejection(
        "signature_invalid",
        "the query signature does not verify with a configured certificate",
      );
    signed = root;
  } else {
    const signatures = childElements(root, NS.dsig, "Signature").length;
    if (signatures === 0)
      throw new SamlRejection("response_unsigned", "the LogoutResponse is not signed");
    if (descendants(doc, NS.dsig, "Signature").length !== signatures)
      throw new SamlRejection(
        "signature_reference",
        "a ds:Signature outside the LogoutResponse element",
      );
    signed = verifyEnvelopedSignature({
      xml,
      target: root,
      publicKeys,
      unsigned: "response_unsigned",
    });
  }

  const signedIssuers = childElements(signed, NS.assertion, "Issuer");
  if (
    signedIssuers.length !== 1 ||
    !signedIssuers[0] ||
    trimmedText(signedIssuers[0]) !== idp.entityId
  )
    throw new SamlRejection("issuer_mismatch", "the signed Issuer is not the configured IdP");
  const destination = attributeOrNull(signed, "Destination");
  if (destination !== args.sloUrl)
    throw new SamlRejection(
      "destination_mismatch",
      `Destination ${destination === null ? "missing" : destination.slice(0, 200)}`,
    );
  const issued = parseSamlInstant(attributeOrNull(signed, "IssueInstant"), "IssueInstant");
  if (!issued) throw new SamlRejection("malformed_xml", "IssueInstant missing");
  checkTimes(args.time, {
    conditionsNotBefore: null,
    confirmationNotBefore: null,
    expiries: [],
    issued: [issued],
    sessionEnd: null,
  });
  const inResponseTo = attributeOrNull(signed, "InResponseTo");
  if (inResponseTo === null || inResponseTo === "")
    throw new SamlRejection(
      "unknown_in_response_to",
      "the LogoutResponse answers no LogoutRequest (no InResponseTo)",
    );
  const { status, subStatus } = statusOf(signed);
  return {
    responseId: (attributeOrNull(signed, "ID") ?? "").slice(0, 128),
    inResponseTo,
    success: status === STATUS_SUCCESS,
    status,
    subStatus,
  };
}

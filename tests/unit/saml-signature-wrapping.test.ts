import { describe, expect, it } from "vitest";
import { SamlRejection } from "@/lib/saml/types";
import { NS, parseXmlStrict, trimmedText } from "@/lib/saml/xml-dom";
import { configuredPublicKeys, verifyEnvelopedSignature } from "@/lib/saml/xml-signature";
import {
  buildSamlResponse,
  commentInNameId,
  duplicateSignedInfo,
  getTestSigningKey,
  mutateResponse,
  SAML_NS,
  wrapSignedAssertion,
  type WrapPlacement,
} from "@/tests/support/saml-fixtures";

/**
 * The signature layer on its own, without the "exactly one Assertion" rule in front of it: even if
 * that rule were gone, a wrapped message must not yield the attacker's assertion. The verifier
 * checks only the signature that is a direct child of the element it is about to read, and returns
 * the copy xml-crypto digested, never a node of the posted document.
 */

function parse(xml: string) {
  const doc = parseXmlStrict(xml);
  const response = doc.documentElement;
  if (!response) throw new Error("no root");
  // The assertion a naive SP would read: the Response's first saml:Assertion child.
  let first: Element | undefined;
  for (let child = response.firstChild; child; child = child.nextSibling) {
    const el = child as Element;
    if (child.nodeType === 1 && el.namespaceURI === NS.assertion && el.localName === "Assertion") {
      first = el;
      break;
    }
  }
  if (!first) throw new Error("no assertion child");
  return { doc, response, first };
}

function verifyTarget(xml: string, target: Element) {
  return verifyEnvelopedSignature({
    xml,
    target,
    publicKeys: configuredPublicKeys([getTestSigningKey("idp").certificatePem]),
    unsigned: "assertion_unsigned",
  });
}

function reasonOf(act: () => unknown): string {
  try {
    act();
  } catch (error) {
    if (error instanceof SamlRejection) return error.reason;
    throw error;
  }
  return "accepted";
}

const nameIdOf = (assertion: Element) =>
  trimmedText(assertion.getElementsByTagNameNS(NS.assertion, "NameID")[0] ?? assertion);

describe("XML signature wrapping at the signature layer", () => {
  it.each<[WrapPlacement, string]>([
    ["extensions", "assertion_unsigned"],
    ["advice", "assertion_unsigned"],
    ["subject-confirmation-data", "assertion_unsigned"],
    ["sibling-after", "assertion_unsigned"],
    ["parent", "assertion_unsigned"],
    // The attacker assertion carries the IdP's signature; with the signed assertion in its
    // ds:Object the shape check refuses it, without one the Reference names the other ID.
    ["object", "signature_invalid"],
    ["signature-moved", "signature_reference"],
  ])(
    "the attacker assertion in the signed one's place (%s) never verifies: %s",
    (placement, reason) => {
      const xml = wrapSignedAssertion(buildSamlResponse(), placement);
      const { first } = parse(xml);
      expect(first.getAttribute("ID")).toBe("_attacker");
      expect(reasonOf(() => verifyTarget(xml, first))).toBe(reason);
    },
  );

  it("with the signed assertion first (sibling-before), what verifies is the IdP's assertion, not the attacker's", () => {
    const xml = wrapSignedAssertion(buildSamlResponse(), "sibling-before");
    const { first } = parse(xml);
    const signed = verifyTarget(xml, first);
    expect(nameIdOf(signed)).toBe("alice@corp.example");
    expect(signed.ownerDocument).not.toBe(first.ownerDocument);
  });

  it("the moved signed assertion still verifies where it hides, and yields the IdP's values only", () => {
    const xml = wrapSignedAssertion(buildSamlResponse(), "extensions", {
      nameId: "admin@corp.example",
    });
    const { doc } = parse(xml);
    const moved = Array.from(doc.getElementsByTagNameNS(NS.assertion, "Assertion")).find(
      (a) => a.getAttribute("ID") !== "_attacker",
    );
    if (!moved) throw new Error("fixture: moved assertion not found");
    expect(nameIdOf(verifyTarget(xml, moved))).toBe("alice@corp.example");
  });

  it("an attacker assertion that takes the signed assertion's ID fails the digest", () => {
    const xml = mutateResponse(buildSamlResponse(), ({ assertion }) => {
      const nameId = assertion.getElementsByTagNameNS(SAML_NS.assertion, "NameID")[0];
      if (nameId) nameId.textContent = "admin@corp.example";
    });
    expect(reasonOf(() => verifyTarget(xml, parse(xml).first))).toBe("signature_invalid");
  });

  it("a comment in NameID (past assertSafeXml) still reads as the whole signed value, never the prefix", () => {
    const xml = commentInNameId(buildSamlResponse({ nameId: "alice@corp.example.evil.example" }));
    expect(xml).toContain("alice@corp.example<!---->.evil.example");
    expect(nameIdOf(verifyTarget(xml, parse(xml).first))).toBe("alice@corp.example.evil.example");
  });

  it("two SignedInfo are refused by the signature shape check itself", () => {
    const xml = duplicateSignedInfo(buildSamlResponse());
    expect(reasonOf(() => verifyTarget(xml, parse(xml).first))).toBe("signature_invalid");
  });

  it("a ds:Object inside the signature is refused before any cryptography", () => {
    const xml = mutateResponse(buildSamlResponse(), ({ doc, assertion }) => {
      const signature = assertion.getElementsByTagNameNS(SAML_NS.dsig, "Signature")[0];
      signature?.appendChild(doc.createElementNS(SAML_NS.dsig, "ds:Object"));
    });
    expect(reasonOf(() => verifyTarget(xml, parse(xml).first))).toBe("signature_invalid");
  });

  it("a signature with a second Reference is refused", () => {
    const xml = mutateResponse(buildSamlResponse(), ({ assertion }) => {
      const reference = assertion.getElementsByTagNameNS(SAML_NS.dsig, "Reference")[0];
      reference?.parentNode?.appendChild(reference.cloneNode(true));
    });
    expect(reasonOf(() => verifyTarget(xml, parse(xml).first))).toBe("signature_reference");
  });
});

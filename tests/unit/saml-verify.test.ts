import { beforeAll, describe, expect, it } from "vitest";
import { SamlRejection, type SamlRejectionReason, type VerifyOptions } from "@/lib/saml/types";
import {
  assertionExpiry,
  parseAwsRoleAttribute,
  loadSamlSchemaValidator,
  verifySamlResponse,
} from "@/lib/saml/verify-response";
import { decodePostBinding, inflateRedirectBinding } from "@/lib/saml/xml-safety";
import {
  ALGORITHMS,
  AWS_ATTRIBUTES,
  AWS_SAML_AUDIENCE,
  AWS_SIGNIN_SAML_URL,
  billionLaughs,
  buildAwsSamlResponse,
  buildSamlResponse,
  commentInDigestValue,
  commentInNameId,
  deeplyNested,
  deflateBomb,
  duplicateSignedInfo,
  encodePostBinding,
  externalEntity,
  extraRootElement,
  FIXTURE_ACS_URL,
  FIXTURE_IDP_ENTITY_ID,
  FIXTURE_SP_ENTITY_ID,
  getTestSigningKey,
  mutateResponse,
  SAML_NS,
  STATUS,
  stripSignature,
  tamperText,
  wrapSignedAssertion,
  type SamlResponseOptions,
} from "@/tests/support/saml-fixtures";

// A frozen clock (docs/INVARIANTS.md invariant 6): every fixture is issued relative to NOW.
const NOW = new Date("2026-03-02T09:30:00Z");
const minutes = (n: number) => new Date(NOW.getTime() + n * 60_000);
const idpKey = () => getTestSigningKey("idp");
const nextKey = () => getTestSigningKey("idp-next");
const attackerKey = () => getTestSigningKey("attacker");

const ROLE = "arn:aws:iam::123456789012:role/Developer";
const PROVIDER = "arn:aws:iam::123456789012:saml-provider/CorpIdP";
const MAX_ENCODED = 256 * 1024;

function options(
  overrides: {
    idp?: Partial<VerifyOptions["idp"]>;
    expect?: Partial<VerifyOptions["expect"]>;
    time?: Partial<VerifyOptions["time"]>;
  } = {},
): VerifyOptions {
  return {
    idp: {
      entityId: FIXTURE_IDP_ENTITY_ID,
      signingCertificates: [idpKey().certificatePem],
      requireSignedResponse: false,
      ...overrides.idp,
    },
    expect: {
      audience: FIXTURE_SP_ENTITY_ID,
      recipients: [FIXTURE_ACS_URL],
      target: "portal",
      ...overrides.expect,
    },
    time: { now: NOW, skewSeconds: 60, maxAgeSeconds: 300, ...overrides.time },
  };
}

const awsOptions = () =>
  options({
    expect: { audience: AWS_SAML_AUDIENCE, recipients: [AWS_SIGNIN_SAML_URL], target: "aws" },
  });

const response = (opts: SamlResponseOptions = {}) => buildSamlResponse({ now: NOW, ...opts });

function rejectionOf(act: () => unknown): SamlRejection {
  try {
    act();
  } catch (error) {
    if (error instanceof SamlRejection) return error;
    throw error;
  }
  throw new Error("expected a SamlRejection, but the message was accepted");
}

beforeAll(async () => {
  await loadSamlSchemaValidator();
  // Generate every key outside the timed sections.
  idpKey();
  nextKey();
  attackerKey();
  getTestSigningKey("idp-ec", { type: "ec" });
}, 120_000);

interface HostileCase {
  rule: string;
  reason: SamlRejectionReason;
  /** Builds the hostile input (not timed). */
  input: () => string;
  /** What the portal does with it (timed). Default: verifySamlResponse(input, options()). */
  act?: (input: string) => unknown;
}

const verifyWith = (opts: () => VerifyOptions) => (xml: string) => verifySamlResponse(xml, opts());

const hostile: HostileCase[] = [
  // XML signature wrapping: the IdP's signed assertion is still in the message, elsewhere.
  ...(
    [
      "extensions",
      "advice",
      "object",
      "subject-confirmation-data",
      "sibling-before",
      "sibling-after",
      "signature-moved",
    ] as const
  ).map((placement): HostileCase => ({
    rule: `signature wrapping (${placement}): an attacker assertion beside a moved signed one is refused`,
    reason: "assertion_count",
    input: () => wrapSignedAssertion(response(), placement),
  })),
  {
    rule: "signature wrapping (parent): an attacker assertion wrapping the signed one is not even schema-valid",
    reason: "schema_invalid",
    input: () => wrapSignedAssertion(response(), "parent"),
  },
  {
    rule: "signature wrapping, signed response: a wrapped assertion is refused even when the Response signature is valid",
    reason: "assertion_count",
    input: () => wrapSignedAssertion(response({ signResponse: true }), "extensions"),
    act: verifyWith(() => options({ idp: { requireSignedResponse: true } })),
  },
  {
    rule: "an unsigned assertion is refused",
    reason: "assertion_unsigned",
    input: () => response({ signAssertion: false }),
  },
  {
    rule: "an assertion whose signature was stripped is refused (even inside a signed Response)",
    reason: "assertion_unsigned",
    input: () => stripSignature(response({ signResponse: true })),
  },
  {
    rule: "an assertion re-signed with another key, its certificate in KeyInfo, is refused",
    reason: "signature_invalid",
    input: () =>
      response({
        signAssertion: { key: attackerKey(), includeKeyInfo: true },
        nameId: "admin@corp.example",
      }),
  },
  {
    rule: "a Response signature by another key (certificate in KeyInfo) is refused",
    reason: "signature_invalid",
    input: () => response({ signResponse: { key: attackerKey() } }),
  },
  {
    rule: "an assertion changed after signing is refused",
    reason: "signature_invalid",
    input: () => tamperText(response(), ">engineering<", ">admins<"),
  },
  {
    rule: "two validly signed assertions in one Response are refused",
    reason: "assertion_count",
    input: () => {
      const other = response({ nameId: "bob@corp.example" });
      const second = other.slice(
        other.indexOf("<saml:Assertion"),
        other.indexOf("</samlp:Response>"),
      );
      return response().replace("</samlp:Response>", `${second}</samlp:Response>`);
    },
  },
  {
    rule: "a comment inside NameID (alice@corp.example<!---->.evil.example) is refused",
    reason: "comment_in_message",
    input: () => commentInNameId(response({ nameId: "alice@corp.example.evil.example" })),
  },
  {
    rule: "a comment inside DigestValue is refused",
    reason: "comment_in_message",
    input: () => commentInDigestValue(response()),
  },
  {
    rule: "two SignedInfo in one signature are refused",
    reason: "schema_invalid",
    input: () => duplicateSignedInfo(response()),
  },
  {
    rule: "an extra root element is refused",
    reason: "malformed_xml",
    input: () => extraRootElement(response()),
  },
  {
    rule: "another IdP's Issuer is refused",
    reason: "issuer_mismatch",
    input: () => response({ issuer: "https://evil.example/idp" }),
  },
  {
    rule: "a Response Issuer other than the assertion's is refused",
    reason: "issuer_mismatch",
    input: () => response({ responseIssuer: "https://evil.example/idp" }),
  },
  {
    rule: "a non-Success status is refused",
    reason: "status_not_success",
    input: () => response({ statusCode: STATUS.responder }),
  },
  {
    rule: "another audience is refused",
    reason: "audience_mismatch",
    input: () => response({ audiences: ["https://other-sp.example"] }),
  },
  {
    rule: "several audiences (ours among them) are refused",
    reason: "audience_mismatch",
    input: () => response({ audiences: [FIXTURE_SP_ENTITY_ID, "https://other-sp.example"] }),
  },
  {
    rule: "several AudienceRestrictions are refused",
    reason: "audience_mismatch",
    input: () =>
      response({ audienceRestrictions: [[FIXTURE_SP_ENTITY_ID], [FIXTURE_SP_ENTITY_ID]] }),
  },
  {
    rule: "no audience is refused",
    reason: "audience_mismatch",
    input: () => response({ audienceRestrictions: [] }),
  },
  {
    rule: "another Destination is refused",
    reason: "destination_mismatch",
    input: () => response({ destination: "https://other-sp.example/acs" }),
  },
  {
    rule: "a missing Destination is refused",
    reason: "destination_mismatch",
    input: () => response({ destination: null }),
  },
  {
    rule: "another Recipient is refused",
    reason: "recipient_mismatch",
    input: () => response({ recipient: "https://other-sp.example/acs" }),
  },
  {
    rule: "a missing Recipient is refused",
    reason: "recipient_mismatch",
    input: () => response({ recipient: null }),
  },
  {
    rule: "no bearer SubjectConfirmation is refused",
    reason: "subject_confirmation",
    input: () => response({ confirmationMethod: "urn:oasis:names:tc:SAML:2.0:cm:holder-of-key" }),
  },
  {
    rule: "a bearer confirmation without NotOnOrAfter (an assertion without expiry) is refused",
    reason: "subject_confirmation",
    input: () => response({ subjectNotOnOrAfter: null, notOnOrAfter: null }),
  },
  {
    rule: "InResponseTo that differs between Response and SubjectConfirmationData is refused",
    reason: "subject_confirmation",
    input: () => response({ inResponseTo: "_req1", responseInResponseTo: "_req2" }),
  },
  {
    rule: "an expired assertion (Conditions NotOnOrAfter + skew passed) is refused",
    reason: "expired",
    input: () => response({ notOnOrAfter: minutes(-2) }),
  },
  {
    rule: "an expired bearer confirmation (SubjectConfirmationData NotOnOrAfter passed) is refused",
    reason: "expired",
    input: () => response({ subjectNotOnOrAfter: minutes(-2) }),
  },
  {
    rule: "an assertion whose SessionNotOnOrAfter has passed is refused",
    reason: "expired",
    input: () => response({ sessionNotOnOrAfter: minutes(-2) }),
  },
  {
    rule: "a not-yet-valid assertion (NotBefore − skew ahead) is refused",
    reason: "not_yet_valid",
    input: () => response({ notBefore: minutes(2) }),
  },
  {
    rule: "an assertion issued in the future beyond the skew is refused",
    reason: "not_yet_valid",
    input: () => response({ issueInstant: minutes(2), notBefore: null }),
  },
  {
    rule: "an assertion issued longer ago than the maximum age is refused",
    reason: "too_old",
    input: () =>
      response({
        issueInstant: minutes(-7),
        notOnOrAfter: minutes(5),
        subjectNotOnOrAfter: minutes(5),
      }),
  },
  {
    rule: "a Response issued longer ago than the maximum age is refused",
    reason: "too_old",
    input: () => response({ responseIssueInstant: minutes(-7) }),
  },
  {
    rule: "an assertion without NameID is refused",
    reason: "missing_name_id",
    input: () => response({ nameId: null }),
  },
  {
    rule: "an rsa-sha1 signature is refused",
    reason: "weak_algorithm",
    input: () => response({ signAssertion: { signatureAlgorithm: ALGORITHMS.rsaSha1 } }),
  },
  {
    rule: "a sha1 digest is refused",
    reason: "weak_algorithm",
    input: () => response({ signAssertion: { digestAlgorithm: ALGORITHMS.sha1 } }),
  },
  {
    rule: "canonicalization with comments is refused",
    reason: "weak_algorithm",
    input: () => response({ signAssertion: { canonicalization: ALGORITHMS.excC14nWithComments } }),
  },
  {
    rule: "an EncryptedAssertion with rsa-1_5 key transport is refused as insecure",
    reason: "insecure_key_transport",
    input: () => response({ encryptedAssertion: { keyTransport: ALGORITHMS.rsa15 } }),
  },
  {
    rule: "any other EncryptedAssertion is refused as unsupported",
    reason: "encrypted_assertion_unsupported",
    input: () => response({ encryptedAssertion: { keyTransport: ALGORITHMS.rsaOaep } }),
  },
  {
    rule: "a DOCTYPE with an external entity (file:///etc/passwd) is refused",
    reason: "doctype_or_entity",
    input: () => externalEntity(response()),
  },
  {
    rule: "billion laughs is refused",
    reason: "doctype_or_entity",
    input: () => billionLaughs(response()),
  },
  {
    rule: "a reference to an undeclared entity is refused",
    reason: "doctype_or_entity",
    input: () => response().replace("alice@corp.example</saml:NameID>", "&boom;</saml:NameID>"),
  },
  {
    rule: "100,000-deep nesting is refused",
    reason: "too_deeply_nested",
    input: () => deeplyNested(response(), 100_000),
  },
  {
    rule: "more markup than any IdP sends (30,000 elements inside the assertion) is refused before parsing",
    reason: "message_too_large",
    input: () =>
      response({
        subjectConfirmationDataXml: `<w:r xmlns:w="urn:w">${"<w:z/>".repeat(30_000)}</w:r>`,
      }),
  },
  {
    rule: "thousands of attributes (namespace declarations included) are refused before parsing",
    reason: "message_too_large",
    input: () =>
      response({
        subjectConfirmationDataXml: Array.from(
          { length: 200 },
          (_, i) =>
            `<q:y xmlns:q="urn:q${i}"${Array.from({ length: 40 }, (_, k) => ` a${k}="v"`).join("")}/>`,
        ).join(""),
      }),
  },
  {
    rule: "a processing instruction is refused",
    reason: "malformed_xml",
    input: () => response().replace("<samlp:Status>", '<?xml-stylesheet href="x"?><samlp:Status>'),
  },
  {
    rule: "a Redirect payload inflating past the cap (deflate bomb) is refused",
    reason: "inflated_too_large",
    input: () => deflateBomb(64 * 1024 * 1024),
    act: (value) =>
      inflateRedirectBinding(value, { maxEncodedBytes: MAX_ENCODED, maxInflatedBytes: 256 * 1024 }),
  },
  {
    rule: "an oversized POST message is refused before decoding",
    reason: "message_too_large",
    input: () => "A".repeat(MAX_ENCODED + 4),
    act: (value) =>
      decodePostBinding(value, { maxEncodedBytes: MAX_ENCODED, maxXmlBytes: 192 * 1024 }),
  },
  {
    rule: "a POST message that is not base64 is refused",
    reason: "not_base64",
    input: () => `${encodePostBinding(response()).slice(0, 100)}%%%`,
    act: (value) =>
      decodePostBinding(value, { maxEncodedBytes: MAX_ENCODED, maxXmlBytes: 192 * 1024 }),
  },
  {
    rule: "an AWS-targeted assertion posted to the portal ACS is refused",
    reason: "aws_targeted_assertion",
    input: () =>
      buildAwsSamlResponse({ now: NOW, roles: [{ roleArn: ROLE, principalArn: PROVIDER }] }),
  },
  {
    rule: "an assertion with a portal audience but an AWS Recipient is refused by the portal",
    reason: "aws_targeted_assertion",
    input: () => response({ recipient: "https://us-east-1.signin.aws.amazon.com/saml" }),
  },
  {
    rule: "a portal-targeted assertion posted to the AWS relay is refused",
    reason: "portal_targeted_assertion",
    input: () => response(),
    act: verifyWith(awsOptions),
  },
  {
    rule: "duplicate IDs in the document are refused",
    reason: "duplicate_id",
    input: () => {
      const xml = response({
        assertionId: "_dup",
        extensionsXml: '<x:Note xmlns:x="urn:example:ext" ID="_dup"/>',
      });
      return xml;
    },
  },
  {
    rule: "a missing Response signature is refused when the IdP must sign responses",
    reason: "response_unsigned",
    input: () => response(),
    act: verifyWith(() => options({ idp: { requireSignedResponse: true } })),
  },
  {
    rule: "a ds:Signature outside the Response and Assertion is refused",
    reason: "signature_reference",
    input: () =>
      mutateResponse(response(), ({ doc, response: root, assertion }) => {
        const signature = assertion.getElementsByTagNameNS(SAML_NS.dsig, "Signature")[0];
        const extensions = doc.createElementNS(SAML_NS.protocol, "samlp:Extensions");
        if (signature) extensions.appendChild(signature.cloneNode(true));
        root.insertBefore(
          extensions,
          root.getElementsByTagNameNS(SAML_NS.protocol, "Status")[0] ?? null,
        );
      }),
  },
  {
    rule: "a root element other than samlp:Response is refused",
    reason: "unexpected_root",
    input: () => {
      const xml = response();
      const assertion = xml.slice(xml.indexOf("<saml:Assertion"), xml.indexOf("</samlp:Response>"));
      return assertion.replace(
        "<saml:Assertion ",
        `<saml:Assertion xmlns:saml="${SAML_NS.assertion}" `,
      );
    },
  },
];

describe("SAML Response verification refuses hostile input", () => {
  // One verification first, so that the guard below times only what the hostile input costs.
  beforeAll(() => {
    verifySamlResponse(response(), options());
  }, 120_000);

  it.each(hostile.map((c) => [c.rule, c] as const))("%s", (_rule, c) => {
    const input = c.input();
    const act = c.act ?? ((xml: string) => verifySamlResponse(xml, options()));
    const started = performance.now();
    const rejection = rejectionOf(() => act(input));
    const elapsed = performance.now() - started;
    expect(rejection.reason).toBe(c.reason);
    // A blow-up guard (expansion, quadratic work), far above the real cost; not a benchmark.
    expect(elapsed, "a hostile message must be refused without blowing up").toBeLessThan(5000);
  });
});

describe("SAML Response verification accepts what the IdP signed, and reads only that", () => {
  it("a valid signed response verifies, with every value from the signed assertion", () => {
    const xml = response({
      responseId: "_resp1",
      assertionId: "_assert1",
      inResponseTo: "_req1",
      attributes: {
        email: ["alice@corp.example"],
        groups: ["b-team", "a-team"],
        ["__proto__"]: ["not a prototype"],
      },
    });
    const verified = verifySamlResponse(xml, options());
    expect(verified).toEqual({
      responseId: "_resp1",
      assertionId: "_assert1",
      issuer: FIXTURE_IDP_ENTITY_ID,
      inResponseTo: "_req1",
      nameId: "alice@corp.example",
      nameIdFormat: "urn:oasis:names:tc:SAML:1.1:nameid-format:emailAddress",
      attributes: {
        email: ["alice@corp.example"],
        groups: ["b-team", "a-team"],
        ["__proto__"]: ["not a prototype"],
      },
      issueInstant: NOW,
      notOnOrAfter: minutes(5),
      sessionNotOnOrAfter: new Date(NOW.getTime() + 8 * 3600_000),
    });
    expect(Object.getPrototypeOf(verified.attributes)).toBe(Object.prototype);
  });

  it("InResponseTo on an unsigned Response alone is not trusted; on a signed Response it is", () => {
    const solicitedOnlyOutside = { inResponseTo: null, responseInResponseTo: "_req1" };
    expect(verifySamlResponse(response(solicitedOnlyOutside), options()).inResponseTo).toBeNull();
    const signed = response({ ...solicitedOnlyOutside, signResponse: true });
    expect(verifySamlResponse(signed, options()).inResponseTo).toBe("_req1");
  });

  it("the POST binding round trip (line-wrapped base64) verifies", () => {
    const encoded = encodePostBinding(response(), { lineLength: 76 });
    const xml = decodePostBinding(encoded, {
      maxEncodedBytes: MAX_ENCODED,
      maxXmlBytes: 192 * 1024,
    });
    expect(verifySamlResponse(xml, options()).nameId).toBe("alice@corp.example");
  });

  it("values are the canonical signed text: character references and CDATA read as the signed value", () => {
    const xml = response({ nameId: "alice@corp.example" }).replace(
      ">alice@corp.example</saml:NameID>",
      ">alice&#64;corp<![CDATA[.example]]></saml:NameID>",
    );
    expect(verifySamlResponse(xml, options()).nameId).toBe("alice@corp.example");
  });

  it("certificate rollover: with two configured certificates, an assertion signed by either verifies", () => {
    const both = options({
      idp: { signingCertificates: [idpKey().certificatePem, nextKey().certificateBase64] },
    });
    expect(verifySamlResponse(response(), both).nameId).toBe("alice@corp.example");
    expect(verifySamlResponse(response({ signAssertion: { key: nextKey() } }), both).nameId).toBe(
      "alice@corp.example",
    );
    expect(
      rejectionOf(() =>
        verifySamlResponse(response({ signAssertion: { key: attackerKey() } }), both),
      ).reason,
    ).toBe("signature_invalid");
  });

  it("a response with both the Response and the Assertion signed verifies when signed responses are required", () => {
    const xml = response({ signResponse: true });
    expect(verifySamlResponse(xml, options({ idp: { requireSignedResponse: true } })).nameId).toBe(
      "alice@corp.example",
    );
  });

  it.each([
    [
      "rsa-sha512 with a sha512 digest",
      { signatureAlgorithm: ALGORITHMS.rsaSha512, digestAlgorithm: ALGORITHMS.sha512 },
    ],
    [
      "rsa-sha384 with a sha384 digest",
      { signatureAlgorithm: ALGORITHMS.rsaSha384, digestAlgorithm: ALGORITHMS.sha384 },
    ],
    ["inclusive c14n", { canonicalization: ALGORITHMS.c14n }],
    ["no KeyInfo", { includeKeyInfo: false }],
  ])("allowed algorithms verify: %s", (_name, signing) => {
    expect(verifySamlResponse(response({ signAssertion: signing }), options()).nameId).toBe(
      "alice@corp.example",
    );
  });

  it("an ECDSA P-256 signature verifies against an EC certificate, and never against an RSA one", () => {
    const ecKey = getTestSigningKey("idp-ec", { type: "ec" });
    const xml = response({ signAssertion: { key: ecKey } });
    expect(
      verifySamlResponse(xml, options({ idp: { signingCertificates: [ecKey.certificatePem] } }))
        .nameId,
    ).toBe("alice@corp.example");
    expect(rejectionOf(() => verifySamlResponse(xml, options())).reason).toBe("signature_invalid");
  });

  it("a large but legitimate assertion (1,500 group values) verifies", () => {
    const groups = Array.from({ length: 1500 }, (_, i) => `group-${i}`);
    expect(
      verifySamlResponse(response({ attributes: { groups } }), options()).attributes.groups,
    ).toEqual(groups);
  });

  it("clock skew is tolerated within the configured seconds", () => {
    const xml = response({
      notBefore: new Date(NOW.getTime() + 30_000),
      issueInstant: new Date(NOW.getTime() + 30_000),
    });
    expect(verifySamlResponse(xml, options()).nameId).toBe("alice@corp.example");
  });

  it("an AWS-targeted assertion verifies for the AWS relay, and its Role pairs parse in either order", () => {
    const xml = buildAwsSamlResponse({
      now: NOW,
      roles: [
        { roleArn: ROLE, principalArn: PROVIDER },
        `${PROVIDER.replace("CorpIdP", "Other")},${ROLE.replace("Developer", "Admin")}`,
      ],
      sessionDuration: 3600,
    });
    const verified = verifySamlResponse(xml, awsOptions());
    expect(verified.attributes[AWS_ATTRIBUTES.roleSessionName]).toEqual(["alice@corp.example"]);
    expect(verified.attributes[AWS_ATTRIBUTES.sessionDuration]).toEqual(["3600"]);
    expect(parseAwsRoleAttribute(verified.attributes[AWS_ATTRIBUTES.role] ?? [])).toEqual({
      roles: [
        { roleArn: ROLE, principalArn: PROVIDER },
        {
          roleArn: "arn:aws:iam::123456789012:role/Admin",
          principalArn: "arn:aws:iam::123456789012:saml-provider/Other",
        },
      ],
      rejected: [],
    });
  });

  it("the replay cache keeps an assertion until verification would refuse it anyway", () => {
    const verified = verifySamlResponse(response(), options());
    // NotOnOrAfter (now + 5 min) is later than IssueInstant + maxAge (now + 5 min): equal here.
    expect(assertionExpiry(verified, { skewSeconds: 60, maxAgeSeconds: 300 })).toEqual(
      new Date(NOW.getTime() + 361_000),
    );
    expect(assertionExpiry(verified, { skewSeconds: 60, maxAgeSeconds: 120 })).toEqual(
      new Date(NOW.getTime() + 181_000),
    );
  });

  it("programming errors throw TypeError, not a rejection", () => {
    expect(() =>
      verifySamlResponse(response(), options({ idp: { signingCertificates: [] } })),
    ).toThrow(TypeError);
    expect(() =>
      verifySamlResponse(
        response(),
        options({ idp: { signingCertificates: ["not a certificate"] } }),
      ),
    ).toThrow(TypeError);
    expect(() => verifySamlResponse(response(), options({ expect: { recipients: [] } }))).toThrow(
      TypeError,
    );
    expect(() =>
      verifySamlResponse(response(), options({ time: { now: new Date(Number.NaN) } })),
    ).toThrow(TypeError);
  });
});

// Which values of a verified assertion make the portal user (docs/SAML-IDENTITY.md): the user key
// (never a transient NameID), and the email and display name from the configured attribute, then
// the names SimpleSAMLphp, AD FS, Entra ID and Okta use. A transient NameID must never make a new
// user at every sign-in.
import { describe, expect, it } from "vitest";
import type { SamlIdpConfig } from "@/lib/saml/idp-registry";
import { NAME_ID_FORMAT, pickDisplayName, pickEmail } from "@/lib/saml/saml-attributes";
import { identityFromAssertion } from "@/lib/saml/saml-identity";
import { SamlRejection, type VerifiedAssertion } from "@/lib/saml/types";

const NOW = new Date("2026-01-15T10:00:00Z");
const CLAIMS = "http://schemas.xmlsoap.org/ws/2005/05/identity/claims";

const idp: SamlIdpConfig = {
  id: "idp1",
  slug: "corp",
  displayName: "Corp",
  entityId: "https://idp.corp.example/metadata",
  ssoUrl: "https://idp.corp.example/sso",
  signingCertificates: [],
  groupsAttribute: "groups",
  userKeyAttribute: null,
  emailAttribute: null,
  displayNameAttribute: null,
  allowIdpInitiated: false,
  requireSignedResponse: false,
  awsAppUrl: null,
};

function assertion(over: Partial<VerifiedAssertion> = {}): VerifiedAssertion {
  return {
    responseId: "_r",
    assertionId: "_a",
    issuer: idp.entityId,
    inResponseTo: null,
    nameId: "00u1abc",
    nameIdFormat: NAME_ID_FORMAT.persistent,
    attributes: {},
    issueInstant: NOW,
    notOnOrAfter: NOW,
    sessionNotOnOrAfter: null,
    ...over,
  };
}

function rejectionOf(run: () => unknown): string {
  try {
    run();
  } catch (error) {
    if (error instanceof SamlRejection) return error.reason;
    throw error;
  }
  throw new Error("expected a SamlRejection");
}

describe("the user key", () => {
  it("a transient NameID without a user-key attribute is refused (transient_name_id), never a user", () => {
    const transient = assertion({ nameId: "_6c1f0e", nameIdFormat: NAME_ID_FORMAT.transient });
    expect(rejectionOf(() => identityFromAssertion(transient, idp))).toBe("transient_name_id");
  });

  it("with a user-key attribute, a transient NameID is fine: the attribute is the key", () => {
    const transient = assertion({
      nameId: "_6c1f0e",
      nameIdFormat: NAME_ID_FORMAT.transient,
      attributes: { "urn:oid:0.9.2342.19200300.100.1.1": ["  bob  "] },
    });
    const identity = identityFromAssertion(transient, {
      ...idp,
      userKeyAttribute: "urn:oid:0.9.2342.19200300.100.1.1",
    });
    expect(identity).toMatchObject({ issuer: idp.entityId, subject: "bob" });
  });

  it.each([
    ["absent", {}],
    ["empty", { uid: [""] }],
    ["blank", { uid: ["   "] }],
  ])(
    "a configured user-key attribute that is %s is refused (missing_user_key)",
    (_, attributes) => {
      const a = assertion({ attributes });
      expect(rejectionOf(() => identityFromAssertion(a, { ...idp, userKeyAttribute: "uid" }))).toBe(
        "missing_user_key",
      );
    },
  );

  it.each([
    NAME_ID_FORMAT.persistent,
    NAME_ID_FORMAT.emailAddress,
    NAME_ID_FORMAT.unspecified,
    null,
  ])("a NameID of format %s is the key when no attribute is configured", (format) => {
    expect(identityFromAssertion(assertion({ nameIdFormat: format }), idp).subject).toBe("00u1abc");
  });
});

describe("the email", () => {
  const nameId = (value: string, format: string | null = NAME_ID_FORMAT.persistent) => ({
    value,
    format,
  });
  it.each<[string, Record<string, string[]>, string | null, string | null]>([
    [
      "the configured attribute first",
      { corpMail: ["c@corp.example"], email: ["e@corp.example"] },
      "corpMail",
      "c@corp.example",
    ],
    ["then email", { mail: ["m@corp.example"], email: ["e@corp.example"] }, null, "e@corp.example"],
    ["then mail (SimpleSAMLphp, LDAP)", { mail: ["m@corp.example"] }, null, "m@corp.example"],
    [
      "then emailaddress, in any case",
      { EmailAddress: ["x@corp.example"] },
      null,
      "x@corp.example",
    ],
    [
      "then the AD FS claim",
      { [`${CLAIMS}/emailaddress`]: ["adfs@corp.example"] },
      null,
      "adfs@corp.example",
    ],
    [
      "then the OID (urn:oid mail)",
      { "urn:oid:0.9.2342.19200300.100.1.3": ["oid@corp.example"] },
      null,
      "oid@corp.example",
    ],
    [
      "a configured attribute that is missing falls back",
      { mail: ["m@corp.example"] },
      "corpMail",
      "m@corp.example",
    ],
    [
      "a value that is not an address is skipped",
      { email: ["Bob Smith"], mail: ["m@corp.example"] },
      null,
      "m@corp.example",
    ],
    ["trimmed", { email: ["  e@corp.example \n"] }, null, "e@corp.example"],
    ["none at all", { displayName: ["Bob"] }, null, null],
  ])("%s", (_, attributes, configured, expected) => {
    expect(pickEmail(attributes, nameId("00u1"), configured)).toBe(expected);
  });

  it.each<[string, string, string | null, string | null]>([
    ["emailAddress format", "n@corp.example", NAME_ID_FORMAT.emailAddress, "n@corp.example"],
    ["unspecified format", "n@corp.example", NAME_ID_FORMAT.unspecified, "n@corp.example"],
    ["no format (unspecified)", "n@corp.example", null, "n@corp.example"],
    [
      "persistent format: not an email even if it looks like one",
      "n@corp.example",
      NAME_ID_FORMAT.persistent,
      null,
    ],
    ["transient format", "n@corp.example", NAME_ID_FORMAT.transient, null],
    ["emailAddress format but no address", "not-an-address", NAME_ID_FORMAT.emailAddress, null],
  ])(
    "the NameID is the email only as a fallback and by its format: %s",
    (_, value, format, expected) => {
      expect(pickEmail({}, nameId(value, format), null)).toBe(expected);
    },
  );

  it.each([
    "two@at@corp.example",
    "no-domain-dot@localhost",
    "spaces in@corp.example",
    "<angle@corp.example>",
    "ctl\u0000@corp.example",
    `${"a".repeat(65)}@corp.example`,
    `a@${"b".repeat(320)}.example`,
    "",
  ])("%j is never stored as an email", (value) => {
    expect(
      pickEmail({ email: [value] }, nameId(value, NAME_ID_FORMAT.emailAddress), null),
    ).toBeNull();
  });
});

describe("the display name", () => {
  it.each<[string, Record<string, string[]>, string | null, string | null]>([
    [
      "the configured attribute first",
      { cn: ["Configured"], displayName: ["Display"] },
      "cn",
      "Configured",
    ],
    [
      "then displayName (SimpleSAMLphp, Entra ID)",
      { displayName: ["Bob Smith"], name: ["bob"] },
      null,
      "Bob Smith",
    ],
    ["then name", { name: ["Bob"] }, null, "Bob"],
    [
      "then the Microsoft displayname claim",
      { "http://schemas.microsoft.com/identity/claims/displayname": ["MS Bob"] },
      null,
      "MS Bob",
    ],
    ["then the AD FS name claim", { [`${CLAIMS}/name`]: ["CORP\\bob"] }, null, "CORP\\bob"],
    [
      "then the OID (urn:oid displayName)",
      { "urn:oid:2.16.840.1.113730.3.1.241": ["Oid Bob"] },
      null,
      "Oid Bob",
    ],
    ["then givenName and sn joined", { givenName: ["Bob"], sn: ["Smith"] }, null, "Bob Smith"],
    [
      "then the OIDs of given name and surname",
      { "urn:oid:2.5.4.42": ["Bob"], "urn:oid:2.5.4.4": ["Smith"] },
      null,
      "Bob Smith",
    ],
    ["a given name alone", { givenName: ["Bob"] }, null, "Bob"],
    ["a configured attribute that is missing falls back", { displayName: ["Bob"] }, "cn", "Bob"],
    ["a blank value is skipped", { displayName: ["  "], name: ["Bob"] }, null, "Bob"],
    [
      "tidied: trimmed, control characters and runs of spaces as one space",
      { displayName: [" Bob\u0000\t  Smith\n"] },
      null,
      "Bob Smith",
    ],
    ["none at all", { email: ["b@corp.example"] }, null, null],
  ])("%s", (_, attributes, configured, expected) => {
    expect(pickDisplayName(attributes, configured)).toBe(expected);
  });

  it("is cut to 200 characters", () => {
    expect(pickDisplayName({ displayName: ["x".repeat(500)] }, null)).toHaveLength(200);
  });

  it("identityFromAssertion uses the fallbacks: an IdP sending OIDs only gives a full user", () => {
    const identity = identityFromAssertion(
      assertion({
        attributes: {
          "urn:oid:0.9.2342.19200300.100.1.3": ["bob@corp.example"],
          "urn:oid:2.16.840.1.113730.3.1.241": ["Bob Smith"],
          groups: ["b", "a"],
        },
      }),
      idp,
    );
    expect(identity).toEqual({
      issuer: idp.entityId,
      subject: "00u1abc",
      email: "bob@corp.example",
      displayName: "Bob Smith",
      groups: ["a", "b"],
      emailVerified: true,
    });
  });
});

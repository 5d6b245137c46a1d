import { randomBytes } from "node:crypto";
import {
  ALGORITHMS,
  AWS_ATTRIBUTES,
  AWS_SAML_AUDIENCE,
  AWS_SIGNIN_SAML_URL,
  FIXTURE_ACS_URL,
  FIXTURE_IDP_ENTITY_ID,
  FIXTURE_SP_ENTITY_ID,
  NAMEID_FORMAT,
  SAML_NS,
  STATUS,
} from "./constants";
import { signElementById, type SigningOptions } from "./sign";

/**
 * Options of `buildSamlResponse`. Every field is optional; the defaults make a Response the portal
 * accepts at `now` for FIXTURE_SP_ENTITY_ID / FIXTURE_ACS_URL from FIXTURE_IDP_ENTITY_ID, signed by
 * getTestSigningKey("idp"). `null` omits an element or attribute.
 */
export interface SamlResponseOptions {
  /** The IdP's clock; all times default relative to it. Default: new Date(). */
  now?: Date;
  /** Response and Assertion Issuer. */
  issuer?: string;
  /** Response Issuer only (null: none). Default: `issuer`. */
  responseIssuer?: string | null;
  /** Assertion Issuer only. Default: `issuer`. */
  assertionIssuer?: string;
  responseId?: string;
  assertionId?: string;
  /** Response Destination. Default FIXTURE_ACS_URL. */
  destination?: string | null;
  /** Bearer SubjectConfirmationData Recipient. Default FIXTURE_ACS_URL. */
  recipient?: string | null;
  /** Audiences of one AudienceRestriction. Default [FIXTURE_SP_ENTITY_ID]. */
  audiences?: string[];
  /** Several AudienceRestrictions (overrides `audiences`). */
  audienceRestrictions?: string[][];
  /** Response and SubjectConfirmationData InResponseTo (null: unsolicited). Default null. */
  inResponseTo?: string | null;
  /** Response InResponseTo only, when it should differ. */
  responseInResponseTo?: string | null;
  nameId?: string | null;
  nameIdFormat?: string | null;
  /** Attribute Name → values (xs:string). Default: email and groups. */
  attributes?: Record<string, string[]>;
  /** Top-level StatusCode. Default Success. */
  statusCode?: string;
  /** Assertion IssueInstant (and AuthnInstant). Default now. */
  issueInstant?: Date;
  /** Response IssueInstant. Default issueInstant. */
  responseIssueInstant?: Date;
  /** Conditions NotBefore. Default now − 30 s. */
  notBefore?: Date | null;
  /** Conditions NotOnOrAfter. Default now + 5 min. */
  notOnOrAfter?: Date | null;
  /** SubjectConfirmationData NotOnOrAfter. Default now + 5 min. */
  subjectNotOnOrAfter?: Date | null;
  /** AuthnStatement SessionNotOnOrAfter. Default now + 8 h. */
  sessionNotOnOrAfter?: Date | null;
  /** SubjectConfirmation Method. Default bearer. */
  confirmationMethod?: string;
  /** Raw XML placed in samlp:Extensions (before Status). */
  extensionsXml?: string;
  /** Raw XML appended inside SubjectConfirmationData. */
  subjectConfirmationDataXml?: string;
  /** Sign the Assertion (default true) with these options. */
  signAssertion?: boolean | SigningOptions;
  /** Sign the Response (default false), after the Assertion. */
  signResponse?: boolean | SigningOptions;
  /**
   * Replace the Assertion with an EncryptedAssertion of this shape (random cipher bytes: the
   * verifier must refuse it before any decryption, so it is never decryptable).
   */
  encryptedAssertion?: { keyTransport: string };
}

/** Escapes text for element content and attribute values. */
export function escapeXml(value: string): string {
  return value
    .replace(/&/g, "&amp;")
    .replace(/</g, "&lt;")
    .replace(/>/g, "&gt;")
    .replace(/"/g, "&quot;");
}

export function samlInstant(date: Date): string {
  return date.toISOString().replace(/\.\d{3}Z$/, "Z");
}

function randomId(): string {
  return `_${randomBytes(16).toString("hex")}`;
}

const attr = (name: string, value: string | null | undefined) =>
  value === null || value === undefined ? "" : ` ${name}="${escapeXml(value)}"`;

function encryptedAssertionXml(keyTransport: string): string {
  const cipher = () => randomBytes(48).toString("base64");
  return (
    `<saml:EncryptedAssertion><xenc:EncryptedData xmlns:xenc="${SAML_NS.xenc}" Type="http://www.w3.org/2001/04/xmlenc#Element">` +
    `<xenc:EncryptionMethod Algorithm="${ALGORITHMS.aes256Cbc}"/>` +
    `<ds:KeyInfo xmlns:ds="${SAML_NS.dsig}"><xenc:EncryptedKey><xenc:EncryptionMethod Algorithm="${escapeXml(keyTransport)}"/>` +
    `<xenc:CipherData><xenc:CipherValue>${cipher()}</xenc:CipherValue></xenc:CipherData></xenc:EncryptedKey></ds:KeyInfo>` +
    `<xenc:CipherData><xenc:CipherValue>${cipher()}</xenc:CipherValue></xenc:CipherData></xenc:EncryptedData></saml:EncryptedAssertion>`
  );
}

/** The unsigned Response XML with its IDs (signing is a separate step; see buildSamlResponse). */
export function buildUnsignedSamlResponse(opts: SamlResponseOptions = {}): {
  xml: string;
  responseId: string;
  assertionId: string;
} {
  const now = opts.now ?? new Date();
  const at = (seconds: number) => new Date(now.getTime() + seconds * 1000);
  const issuer = opts.issuer ?? FIXTURE_IDP_ENTITY_ID;
  const responseId = opts.responseId ?? randomId();
  const assertionId = opts.assertionId ?? randomId();
  const issueInstant = opts.issueInstant ?? now;
  const inResponseTo = opts.inResponseTo ?? null;
  const pick = <T>(value: T | undefined, fallback: T): T =>
    value === undefined ? fallback : value;
  const notBefore = pick(opts.notBefore, at(-30));
  const notOnOrAfter = pick(opts.notOnOrAfter, at(300));
  const subjectNotOnOrAfter = pick(opts.subjectNotOnOrAfter, at(300));
  const sessionNotOnOrAfter = pick(opts.sessionNotOnOrAfter, at(8 * 3600));
  const nameId = pick(opts.nameId, "alice@corp.example");
  const restrictions = opts.audienceRestrictions ?? [opts.audiences ?? [FIXTURE_SP_ENTITY_ID]];
  const attributes = opts.attributes ?? {
    email: ["alice@corp.example"],
    groups: ["engineering", "everyone"],
  };
  const responseIssuer = pick(opts.responseIssuer, issuer);
  const iso = (d: Date | null) => (d === null ? null : samlInstant(d));

  const attributeXml = Object.entries(attributes)
    .map(
      ([name, values]) =>
        `<saml:Attribute Name="${escapeXml(name)}" NameFormat="urn:oasis:names:tc:SAML:2.0:attrname-format:uri">` +
        values
          .map(
            (v) =>
              `<saml:AttributeValue xsi:type="xs:string">${escapeXml(v)}</saml:AttributeValue>`,
          )
          .join("") +
        `</saml:Attribute>`,
    )
    .join("");
  const assertion = opts.encryptedAssertion
    ? encryptedAssertionXml(opts.encryptedAssertion.keyTransport)
    : `<saml:Assertion xmlns:xs="http://www.w3.org/2001/XMLSchema" xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance"` +
      ` ID="${assertionId}" Version="2.0" IssueInstant="${samlInstant(issueInstant)}">` +
      `<saml:Issuer>${escapeXml(opts.assertionIssuer ?? issuer)}</saml:Issuer>` +
      `<saml:Subject>` +
      (nameId === null
        ? ""
        : `<saml:NameID${attr("Format", pick(opts.nameIdFormat, NAMEID_FORMAT.email))}>${escapeXml(nameId)}</saml:NameID>`) +
      `<saml:SubjectConfirmation Method="${escapeXml(opts.confirmationMethod ?? "urn:oasis:names:tc:SAML:2.0:cm:bearer")}">` +
      `<saml:SubjectConfirmationData${attr("InResponseTo", inResponseTo)}${attr("NotOnOrAfter", iso(subjectNotOnOrAfter))}` +
      `${attr("Recipient", pick(opts.recipient, FIXTURE_ACS_URL))}>${opts.subjectConfirmationDataXml ?? ""}</saml:SubjectConfirmationData>` +
      `</saml:SubjectConfirmation></saml:Subject>` +
      `<saml:Conditions${attr("NotBefore", iso(notBefore))}${attr("NotOnOrAfter", iso(notOnOrAfter))}>` +
      restrictions
        .map(
          (audiences) =>
            `<saml:AudienceRestriction>${audiences.map((a) => `<saml:Audience>${escapeXml(a)}</saml:Audience>`).join("")}</saml:AudienceRestriction>`,
        )
        .join("") +
      `</saml:Conditions>` +
      `<saml:AuthnStatement AuthnInstant="${samlInstant(issueInstant)}" SessionIndex="${assertionId}"${attr("SessionNotOnOrAfter", iso(sessionNotOnOrAfter))}>` +
      `<saml:AuthnContext><saml:AuthnContextClassRef>urn:oasis:names:tc:SAML:2.0:ac:classes:PasswordProtectedTransport</saml:AuthnContextClassRef></saml:AuthnContext>` +
      `</saml:AuthnStatement>` +
      (attributeXml ? `<saml:AttributeStatement>${attributeXml}</saml:AttributeStatement>` : "") +
      `</saml:Assertion>`;
  const xml =
    `<samlp:Response xmlns:samlp="${SAML_NS.protocol}" xmlns:saml="${SAML_NS.assertion}" ID="${responseId}" Version="2.0"` +
    ` IssueInstant="${samlInstant(opts.responseIssueInstant ?? issueInstant)}"` +
    `${attr("Destination", pick(opts.destination, FIXTURE_ACS_URL))}${attr("InResponseTo", pick(opts.responseInResponseTo, inResponseTo))}>` +
    (responseIssuer === null ? "" : `<saml:Issuer>${escapeXml(responseIssuer)}</saml:Issuer>`) +
    (opts.extensionsXml ? `<samlp:Extensions>${opts.extensionsXml}</samlp:Extensions>` : "") +
    `<samlp:Status><samlp:StatusCode Value="${escapeXml(opts.statusCode ?? STATUS.success)}"/></samlp:Status>` +
    assertion +
    `</samlp:Response>`;
  return { xml, responseId, assertionId };
}

/**
 * A SAML 2.0 Response as an IdP would POST it (XML text; encode with `encodePostBinding`). By
 * default valid for the portal: Assertion signed (exc-c14n, rsa-sha256, sha256, KeyInfo carrying
 * the certificate), Response unsigned. See `SamlResponseOptions` for every knob and attacks.ts
 * for hostile variants.
 */
export function buildSamlResponse(opts: SamlResponseOptions = {}): string {
  const { xml, responseId, assertionId } = buildUnsignedSamlResponse(opts);
  const options = (value: boolean | SigningOptions | undefined, byDefault: boolean) =>
    value === undefined
      ? byDefault
        ? {}
        : null
      : value === false
        ? null
        : value === true
          ? {}
          : value;
  const assertionSigning = opts.encryptedAssertion ? null : options(opts.signAssertion, true);
  const responseSigning = options(opts.signResponse, false);
  let signed = assertionSigning ? signElementById(xml, assertionId, assertionSigning) : xml;
  if (responseSigning) signed = signElementById(signed, responseId, responseSigning);
  return signed;
}

/** Options of `buildAwsSamlResponse`: the base options plus the AWS attributes. */
export interface AwsSamlResponseOptions extends Omit<SamlResponseOptions, "attributes"> {
  /** Role attribute values: pairs (written role,provider unless `providerFirst`) or raw strings. */
  roles: Array<{ roleArn: string; principalArn: string } | string>;
  /** Write pairs as provider_arn,role_arn (AWS accepts both orders). */
  providerFirst?: boolean;
  /** RoleSessionName attribute. Default: the NameID. */
  roleSessionName?: string | null;
  /** SessionDuration attribute in seconds (AWS: 900–43200). */
  sessionDuration?: number | string;
  sourceIdentity?: string;
  /** PrincipalTag:<key> attributes. */
  principalTags?: Record<string, string>;
  /** More attributes, merged last. */
  extraAttributes?: Record<string, string[]>;
}

/**
 * An assertion addressed to AWS (AssumeRoleWithSAML / console sign-in): audience
 * urn:amazon:webservices, Recipient and Destination https://signin.aws.amazon.com/saml (override
 * `destination` with the portal's relay URL if the IdP app posts there), and the AWS attributes.
 */
export function buildAwsSamlResponse(opts: AwsSamlResponseOptions): string {
  const nameId = opts.nameId ?? "alice@corp.example";
  const attributes: Record<string, string[]> = {
    [AWS_ATTRIBUTES.role]: opts.roles.map((r) =>
      typeof r === "string"
        ? r
        : opts.providerFirst
          ? `${r.principalArn},${r.roleArn}`
          : `${r.roleArn},${r.principalArn}`,
    ),
  };
  const sessionName = opts.roleSessionName === undefined ? nameId : opts.roleSessionName;
  if (sessionName !== null) attributes[AWS_ATTRIBUTES.roleSessionName] = [sessionName];
  if (opts.sessionDuration !== undefined)
    attributes[AWS_ATTRIBUTES.sessionDuration] = [String(opts.sessionDuration)];
  if (opts.sourceIdentity !== undefined)
    attributes[AWS_ATTRIBUTES.sourceIdentity] = [opts.sourceIdentity];
  for (const [key, value] of Object.entries(opts.principalTags ?? {})) {
    attributes[`${AWS_ATTRIBUTES.principalTagPrefix}${key}`] = [value];
  }
  return buildSamlResponse({
    audiences: [AWS_SAML_AUDIENCE],
    recipient: AWS_SIGNIN_SAML_URL,
    destination: AWS_SIGNIN_SAML_URL,
    ...opts,
    nameId,
    attributes: { ...attributes, ...opts.extraAttributes },
  });
}

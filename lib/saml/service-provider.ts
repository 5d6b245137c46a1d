import "server-only";
import { currentTime } from "@/lib/clock";
import { randomUUID } from "node:crypto";
import * as samlify from "samlify";
import type { AppConfig } from "@/lib/config";
import { samlifySchemaValidator } from "./schema-validator";
import { escapeMarkup } from "@/lib/escape-markup";

// samlify's flows refuse to run without a schema validator: it gets ours wherever samlify is loaded,
// and ours refuses everything until boot has loaded and self-tested the engine.
samlify.setSchemaValidator(samlifySchemaValidator);

const REDIRECT = "urn:oasis:names:tc:SAML:2.0:bindings:HTTP-Redirect";
const POST = "urn:oasis:names:tc:SAML:2.0:bindings:HTTP-POST";

/** The IdP settings samlify needs to address an AuthnRequest (from our database row). */
export interface IdpEndpoint {
  entityId: string;
  ssoUrl: string;
  signingCertificates: string[];
}

/**
 * The portal as a SAML service provider: one module that talks samlify (one module per
 * outside system"). It publishes metadata and builds AuthnRequests; responses are verified by
 * verify-response.ts with the checks samlify does not do.
 */
export function createServiceProvider(saml: AppConfig["saml"]) {
  const settings = {
    entityID: saml.spEntityId,
    authnRequestsSigned: false,
    wantAssertionsSigned: true,
    wantMessageSigned: false,
    nameIDFormat: [
      "urn:oasis:names:tc:SAML:1.1:nameid-format:emailAddress",
      "urn:oasis:names:tc:SAML:2.0:nameid-format:persistent",
    ],
    // Only the sign-in ACS: the relay is the ACS of the IdP's separate AWS app, whose SP is AWS.
    assertionConsumerService: [{ Binding: POST, Location: saml.acsUrl, isDefault: true }],
    // Where an IdP answers the LogoutRequest sent at sign-out (docs/SINGLE-LOGOUT.md).
    singleLogoutService: [
      { Binding: REDIRECT, Location: saml.sloUrl },
      { Binding: POST, Location: saml.sloUrl },
    ],
    // The metadata schema's sequence (saml-metadata §2.4.2, §2.4.4): samlify's default puts
    // SingleLogoutService after NameIDFormat, which the schema refuses. samlify reads this option
    // from the settings, though its types list it only for metadata options.
    elementsOrder: [
      "KeyDescriptor",
      "SingleLogoutService",
      "NameIDFormat",
      "AssertionConsumerService",
    ],
  };
  return samlify.ServiceProvider(settings);
}

/** The SP metadata XML an IdP admin imports. */
export function serviceProviderMetadata(saml: AppConfig["saml"]): string {
  return createServiceProvider(saml).getMetadata();
}

/** What a step-up AuthnRequest asks of the IdP (saml-core §3.4.1). */
export interface StepUpRequest {
  /** AuthnContextClassRef values, any one of which the IdP must use (Comparison="exact"). */
  authnContextClassRefs: readonly string[];
}

/**
 * The AuthnRequest of a step-up: ForceAuthn="true" (the IdP must authenticate the user again,
 * not reuse its session) and a RequestedAuthnContext listing the MFA class refs, exact match.
 */
function stepUpAuthnRequestXml(f: {
  id: string;
  issueInstant: string;
  destination: string;
  acsUrl: string;
  issuer: string;
  nameIdFormat: string;
  classRefs: readonly string[];
}): string {
  const refs = f.classRefs
    .map((ref) => `<saml:AuthnContextClassRef>${escapeMarkup(ref)}</saml:AuthnContextClassRef>`)
    .join("");
  return (
    `<samlp:AuthnRequest xmlns:samlp="urn:oasis:names:tc:SAML:2.0:protocol" xmlns:saml="urn:oasis:names:tc:SAML:2.0:assertion"` +
    ` ID="${escapeMarkup(f.id)}" Version="2.0" IssueInstant="${escapeMarkup(f.issueInstant)}" Destination="${escapeMarkup(f.destination)}"` +
    ` ForceAuthn="true" ProtocolBinding="${POST}" AssertionConsumerServiceURL="${escapeMarkup(f.acsUrl)}">` +
    `<saml:Issuer>${escapeMarkup(f.issuer)}</saml:Issuer>` +
    `<samlp:NameIDPolicy Format="${escapeMarkup(f.nameIdFormat)}" AllowCreate="true"/>` +
    `<samlp:RequestedAuthnContext Comparison="exact">${refs}</samlp:RequestedAuthnContext>` +
    `</samlp:AuthnRequest>`
  );
}

/**
 * An HTTP-Redirect AuthnRequest to the IdP. Returns the request ID (the expected InResponseTo)
 * and the URL to send the browser to. With `stepUp`, the request forces re-authentication and
 * asks for the MFA authentication contexts.
 * @throws TypeError when a step-up names no authentication context.
 */
export function buildAuthnRequest(
  saml: AppConfig["saml"],
  idp: IdpEndpoint,
  opts: { relayState: string; stepUp?: StepUpRequest },
): { id: string; redirectUrl: string } {
  const sp = createServiceProvider(saml);
  const identityProvider = samlify.IdentityProvider({
    entityID: idp.entityId,
    singleSignOnService: [{ Binding: REDIRECT, Location: idp.ssoUrl }],
    signingCert: idp.signingCertificates[0] ?? "",
    wantAuthnRequestsSigned: false,
  });
  const stepUp = opts.stepUp;
  if (stepUp && stepUp.authnContextClassRefs.length === 0)
    throw new TypeError("a step-up AuthnRequest needs at least one AuthnContextClassRef");
  const request = sp.createLoginRequest(identityProvider, "redirect", {
    relayState: opts.relayState,
    ...(stepUp
      ? {
          customTagReplacement: () => {
            // An xs:ID (NCName: not starting with a digit), unguessable like samlify's own.
            const id = `_${randomUUID().replaceAll("-", "")}`;
            return {
              id,
              context: stepUpAuthnRequestXml({
                id,
                issueInstant: currentTime().toISOString(),
                destination: idp.ssoUrl,
                acsUrl: saml.acsUrl,
                issuer: saml.spEntityId,
                nameIdFormat: "urn:oasis:names:tc:SAML:1.1:nameid-format:emailAddress",
                classRefs: stepUp.authnContextClassRefs,
              }),
            };
          },
        }
      : {}),
  });
  return { id: request.id, redirectUrl: request.context };
}

/** The sign-in a LogoutRequest ends: the NameID and SessionIndex of its signed assertion. */
export interface LogoutSubject {
  nameId: string;
  nameIdFormat: string | null;
  nameQualifier: string | null;
  spNameQualifier: string | null;
  sessionIndex: string | null;
}

const LOGOUT_REASON_USER = "urn:oasis:names:tc:SAML:2.0:logout:user";

/** saml-core §3.7.1: the NameID exactly as the assertion carried it, and its SessionIndex. */
function logoutRequestXml(f: {
  id: string;
  issueInstant: string;
  destination: string;
  issuer: string;
  subject: LogoutSubject;
}): string {
  const { subject } = f;
  const nameIdAttributes = [
    subject.nameQualifier !== null ? ` NameQualifier="${escapeMarkup(subject.nameQualifier)}"` : "",
    subject.spNameQualifier !== null
      ? ` SPNameQualifier="${escapeMarkup(subject.spNameQualifier)}"`
      : "",
    subject.nameIdFormat !== null ? ` Format="${escapeMarkup(subject.nameIdFormat)}"` : "",
  ].join("");
  const sessionIndex =
    subject.sessionIndex !== null
      ? `<samlp:SessionIndex>${escapeMarkup(subject.sessionIndex)}</samlp:SessionIndex>`
      : "";
  return (
    `<samlp:LogoutRequest xmlns:samlp="urn:oasis:names:tc:SAML:2.0:protocol" xmlns:saml="urn:oasis:names:tc:SAML:2.0:assertion"` +
    ` ID="${escapeMarkup(f.id)}" Version="2.0" IssueInstant="${escapeMarkup(f.issueInstant)}" Destination="${escapeMarkup(f.destination)}"` +
    ` Reason="${LOGOUT_REASON_USER}">` +
    `<saml:Issuer>${escapeMarkup(f.issuer)}</saml:Issuer>` +
    `<saml:NameID${nameIdAttributes}>${escapeMarkup(subject.nameId)}</saml:NameID>` +
    sessionIndex +
    `</samlp:LogoutRequest>`
  );
}

/**
 * An HTTP-Redirect LogoutRequest to the IdP's SingleLogoutService (SP-initiated single logout):
 * samlify deflates and encodes it onto `sloUrl`. Returns the request ID (the LogoutResponse's
 * expected InResponseTo) and the URL to send the browser to. Unsigned: the portal has no SP
 * signing key (docs/SINGLE-LOGOUT.md says what that means for IdPs that insist on signed ones).
 */
export function buildLogoutRequest(
  saml: AppConfig["saml"],
  idp: { entityId: string; ssoUrl: string; sloUrl: string },
  subject: LogoutSubject,
  opts: { relayState: string; now: Date },
): { id: string; redirectUrl: string } {
  const sp = createServiceProvider(saml);
  const identityProvider = samlify.IdentityProvider({
    entityID: idp.entityId,
    // samlify wants an IdP to have a SingleSignOnService even when only logging out.
    singleSignOnService: [{ Binding: REDIRECT, Location: idp.ssoUrl }],
    singleLogoutService: [{ Binding: REDIRECT, Location: idp.sloUrl }],
    wantLogoutRequestSigned: false,
  });
  const request = sp.createLogoutRequest(
    identityProvider,
    "redirect",
    { logoutNameID: subject.nameId, sessionIndex: subject.sessionIndex ?? "" },
    {
      relayState: opts.relayState,
      customTagReplacement: () => {
        const id = `_${randomUUID().replaceAll("-", "")}`;
        return {
          id,
          context: logoutRequestXml({
            id,
            issueInstant: opts.now.toISOString(),
            destination: idp.sloUrl,
            issuer: saml.spEntityId,
            subject,
          }),
        };
      },
    },
  );
  return { id: request.id, redirectUrl: request.context };
}

import "server-only";
import * as samlify from "samlify";
import type { AppConfig } from "@/lib/config";

const REDIRECT = "urn:oasis:names:tc:SAML:2.0:bindings:HTTP-Redirect";
const POST = "urn:oasis:names:tc:SAML:2.0:bindings:HTTP-POST";

/** The IdP settings samlify needs to address an AuthnRequest (from our database row). */
export interface IdpEndpoint {
  entityId: string;
  ssoUrl: string;
  signingCertificates: string[];
}

/**
 * The portal as a SAML service provider: one module that talks samlify (STYLE.md "one module per
 * outside system"). It publishes metadata and builds AuthnRequests; responses are verified by
 * verify-response.ts with the checks samlify does not do.
 */
export function createServiceProvider(saml: AppConfig["saml"]) {
  return samlify.ServiceProvider({
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
  });
}

/** The SP metadata XML an IdP admin imports. */
export function serviceProviderMetadata(saml: AppConfig["saml"]): string {
  return createServiceProvider(saml).getMetadata();
}

/**
 * An HTTP-Redirect AuthnRequest to the IdP. Returns the request ID (the expected InResponseTo)
 * and the URL to send the browser to.
 */
export function buildAuthnRequest(
  saml: AppConfig["saml"],
  idp: IdpEndpoint,
  opts: { relayState: string },
): { id: string; redirectUrl: string } {
  const sp = createServiceProvider(saml);
  const identityProvider = samlify.IdentityProvider({
    entityID: idp.entityId,
    singleSignOnService: [{ Binding: REDIRECT, Location: idp.ssoUrl }],
    signingCert: idp.signingCertificates[0] ?? "",
    wantAuthnRequestsSigned: false,
  });
  const request = sp.createLoginRequest(identityProvider, "redirect", {
    relayState: opts.relayState,
  });
  return { id: request.id, redirectUrl: request.context };
}

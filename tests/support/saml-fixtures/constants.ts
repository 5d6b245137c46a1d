/** Names and URIs the SAML fixtures use by default. Override any of them per call. */

export const SAML_NS = {
  protocol: "urn:oasis:names:tc:SAML:2.0:protocol",
  assertion: "urn:oasis:names:tc:SAML:2.0:assertion",
  dsig: "http://www.w3.org/2000/09/xmldsig#",
  xenc: "http://www.w3.org/2001/04/xmlenc#",
} as const;

export const FIXTURE_IDP_ENTITY_ID = "https://idp.corp.example/saml/metadata";
export const FIXTURE_SP_ENTITY_ID = "https://gatehouse.corp.example/saml/metadata";
export const FIXTURE_ACS_URL = "https://gatehouse.corp.example/api/auth/saml/acs";
export const FIXTURE_AWS_RELAY_URL = "https://gatehouse.corp.example/api/auth/saml/aws-relay";

export const AWS_SAML_AUDIENCE = "urn:amazon:webservices";
export const AWS_SIGNIN_SAML_URL = "https://signin.aws.amazon.com/saml";

export const AWS_ATTRIBUTES = {
  role: "https://aws.amazon.com/SAML/Attributes/Role",
  roleSessionName: "https://aws.amazon.com/SAML/Attributes/RoleSessionName",
  sessionDuration: "https://aws.amazon.com/SAML/Attributes/SessionDuration",
  sourceIdentity: "https://aws.amazon.com/SAML/Attributes/SourceIdentity",
  principalTagPrefix: "https://aws.amazon.com/SAML/Attributes/PrincipalTag:",
} as const;

export const STATUS = {
  success: "urn:oasis:names:tc:SAML:2.0:status:Success",
  requester: "urn:oasis:names:tc:SAML:2.0:status:Requester",
  responder: "urn:oasis:names:tc:SAML:2.0:status:Responder",
} as const;

export const NAMEID_FORMAT = {
  email: "urn:oasis:names:tc:SAML:1.1:nameid-format:emailAddress",
  persistent: "urn:oasis:names:tc:SAML:2.0:nameid-format:persistent",
} as const;

/** XML-DSig / XML-Enc algorithm URIs, including the weak ones hostile fixtures use. */
export const ALGORITHMS = {
  rsaSha1: "http://www.w3.org/2000/09/xmldsig#rsa-sha1",
  rsaSha256: "http://www.w3.org/2001/04/xmldsig-more#rsa-sha256",
  rsaSha384: "http://www.w3.org/2001/04/xmldsig-more#rsa-sha384",
  rsaSha512: "http://www.w3.org/2001/04/xmldsig-more#rsa-sha512",
  ecdsaSha256: "http://www.w3.org/2001/04/xmldsig-more#ecdsa-sha256",
  ecdsaSha384: "http://www.w3.org/2001/04/xmldsig-more#ecdsa-sha384",
  sha1: "http://www.w3.org/2000/09/xmldsig#sha1",
  sha256: "http://www.w3.org/2001/04/xmlenc#sha256",
  sha384: "http://www.w3.org/2001/04/xmldsig-more#sha384",
  sha512: "http://www.w3.org/2001/04/xmlenc#sha512",
  excC14n: "http://www.w3.org/2001/10/xml-exc-c14n#",
  excC14nWithComments: "http://www.w3.org/2001/10/xml-exc-c14n#WithComments",
  c14n: "http://www.w3.org/TR/2001/REC-xml-c14n-20010315",
  envelopedSignature: "http://www.w3.org/2000/09/xmldsig#enveloped-signature",
  rsa15: "http://www.w3.org/2001/04/xmlenc#rsa-1_5",
  rsaOaep: "http://www.w3.org/2001/04/xmlenc#rsa-oaep-mgf1p",
  aes256Cbc: "http://www.w3.org/2001/04/xmlenc#aes256-cbc",
} as const;

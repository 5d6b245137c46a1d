// The pure parts of single logout (docs/SINGLE-LOGOUT.md): what the signed-out page says for each
// outcome, reading the IdP's end_session_endpoint from discovery, the logout URL's parameters,
// an IdP's SingleLogoutService from its metadata, and the LogoutRequest the portal sends.
import { inflateRawSync } from "node:zlib";
import { describe, expect, it } from "vitest";
import {
  discoverEndSessionEndpoint,
  endSessionEndpointFrom,
  endSessionUrl,
  postLogoutRedirectUri,
} from "@/lib/auth/oidc-end-session";
import {
  parseSignOutNotice,
  signedOutMessage,
  type IdpLogoutState,
} from "@/lib/auth/sign-out-notice";
import { parseIdpMetadata } from "@/lib/saml/idp-metadata";
import { buildLogoutRequest } from "@/lib/saml/service-provider";
import { getTestSigningKey } from "../support/saml-fixtures";

const IDP = "Corp SSO";
const BOTH = `You are signed out of Gatehouse and of ${IDP}.`;
const STILL_ACTIVE = `You are signed out of Gatehouse. Your sign-in at ${IDP} is still active, so signing in again may not ask for your password; sign out there too (or close the browser) on a shared computer.`;
const NOT_CONFIRMED = `You are signed out of Gatehouse, but ${IDP} did not confirm that it signed you out. Your sign-in there may still be active, so signing in again may not ask for your password; sign out there too (or close the browser) on a shared computer.`;

describe("the signed-out page says what happened at the IdP", () => {
  it.each<[string, IdpLogoutState, string | undefined, string | null, string]>([
    [
      "OIDC, back with the state this browser sent: signed out of both",
      "oidc-sent",
      "s1",
      "s1",
      BOTH,
    ],
    ["OIDC, back with another state: not confirmed", "oidc-sent", "s1", "s2", NOT_CONFIRMED],
    ["OIDC, back without a state: not confirmed", "oidc-sent", "s1", null, NOT_CONFIRMED],
    [
      "SAML, the IdP's signed Success was accepted: signed out of both",
      "saml-confirmed",
      undefined,
      null,
      BOTH,
    ],
    ["SAML, sent but never answered: not confirmed", "saml-sent", undefined, null, NOT_CONFIRMED],
    [
      "SAML, refused or failed answer: not confirmed",
      "saml-unconfirmed",
      undefined,
      null,
      NOT_CONFIRMED,
    ],
    ["the IdP offers no single logout: still active", "unsupported", undefined, null, STILL_ACTIVE],
    ["GATEHOUSE_SINGLE_LOGOUT=off: still active", "off", undefined, null, STILL_ACTIVE],
    [
      "discovery unreachable at sign-out: still active",
      "unavailable",
      undefined,
      null,
      STILL_ACTIVE,
    ],
    [
      "a state on the URL confirms nothing but an OIDC logout",
      "unsupported",
      "s1",
      "s1",
      STILL_ACTIVE,
    ],
  ])("%s", (_, state, logoutState, returned, text) => {
    const notice = { idpName: IDP, state, ...(logoutState ? { logoutState } : {}) };
    expect(signedOutMessage(notice, returned).text).toBe(text);
  });

  it("without a notice (this browser signed out nowhere here) the page claims nothing about an IdP", () => {
    expect(signedOutMessage(null, "anything")).toEqual({
      kind: "portal",
      text: "You are signed out of Gatehouse.",
    });
  });

  it("a notice read back must be one the server could have written", () => {
    expect(parseSignOutNotice({ idpName: IDP, state: "oidc-sent", logoutState: "x" })).toEqual({
      idpName: IDP,
      state: "oidc-sent",
      logoutState: "x",
    });
    for (const bad of [null, "x", { idpName: "", state: "off" }, { idpName: IDP, state: "done" }]) {
      expect(parseSignOutNotice(bad)).toBeNull();
    }
  });
});

describe("RP-initiated logout: the end_session_endpoint and the logout URL", () => {
  const issuer = "https://login.corp.example";

  it.each<[string, unknown, ReturnType<typeof endSessionEndpointFrom>]>([
    [
      "an https endpoint is used",
      { issuer, end_session_endpoint: "https://login.corp.example/logout" },
      { ok: true, endpoint: "https://login.corp.example/logout" },
    ],
    [
      "no end_session_endpoint: the IdP offers no RP-initiated logout",
      { issuer },
      { ok: true, endpoint: null },
    ],
    [
      "a discovery document of another issuer is refused",
      { issuer: "https://evil.example", end_session_endpoint: "https://evil.example/logout" },
      { ok: false, reason: "the discovery document names another issuer" },
    ],
    [
      "a plain-http endpoint for an https issuer is refused",
      { issuer, end_session_endpoint: "http://login.corp.example/logout" },
      { ok: false, reason: "end_session_endpoint is not an https URL" },
    ],
    [
      "a javascript: endpoint is refused",
      { issuer, end_session_endpoint: "javascript:alert(1)" },
      { ok: false, reason: "end_session_endpoint is not an https URL" },
    ],
    [
      "an endpoint that is not a string is refused",
      { issuer, end_session_endpoint: 42 },
      { ok: false, reason: "end_session_endpoint is not a URL" },
    ],
  ])("%s", (_, document, expected) => {
    expect(endSessionEndpointFrom(document, issuer)).toEqual(expected);
  });

  it("discovery that fails is reported, not cached; a good answer is reused for a while", async () => {
    const calls: string[] = [];
    let fail = true;
    const fetchImpl = ((url: string) => {
      calls.push(String(url));
      return Promise.resolve(
        fail
          ? new Response("down", { status: 503 })
          : Response.json({
              issuer: "https://a.example",
              end_session_endpoint: "https://a.example/end",
            }),
      );
    }) as typeof fetch;
    const now = new Date("2026-12-03T10:00:00Z");
    expect(await discoverEndSessionEndpoint("https://a.example", { now, fetchImpl })).toEqual({
      ok: false,
      reason: "discovery answered HTTP 503",
    });
    fail = false;
    for (const minutes of [0, 5]) {
      const at = new Date(now.getTime() + minutes * 60_000);
      expect(await discoverEndSessionEndpoint("https://a.example", { now: at, fetchImpl })).toEqual(
        {
          ok: true,
          endpoint: "https://a.example/end",
        },
      );
    }
    expect(calls).toEqual([
      "https://a.example/.well-known/openid-configuration",
      "https://a.example/.well-known/openid-configuration",
    ]);
  });

  it("the logout URL carries id_token_hint, client_id, post_logout_redirect_uri and state, keeping the endpoint's own query", () => {
    const url = new URL(
      endSessionUrl("https://login.corp.example/logout?tenant=corp", {
        idTokenHint: "a.b.c",
        clientId: "gatehouse",
        postLogoutRedirectUri: postLogoutRedirectUri("https://aws.corp.example"),
        state: "st",
      }),
    );
    expect(Object.fromEntries(url.searchParams)).toEqual({
      tenant: "corp",
      id_token_hint: "a.b.c",
      client_id: "gatehouse",
      post_logout_redirect_uri: "https://aws.corp.example/signin?signedOut=1",
      state: "st",
    });
  });
});

describe("SAML: the IdP's SingleLogoutService and the LogoutRequest", () => {
  const key = getTestSigningKey("idp");
  const metadata = (slo: string) =>
    `<md:EntityDescriptor xmlns:md="urn:oasis:names:tc:SAML:2.0:metadata" xmlns:ds="http://www.w3.org/2000/09/xmldsig#" entityID="https://idp.example/md">` +
    `<md:IDPSSODescriptor protocolSupportEnumeration="urn:oasis:names:tc:SAML:2.0:protocol">` +
    `<md:KeyDescriptor use="signing"><ds:KeyInfo><ds:X509Data><ds:X509Certificate>${key.certificateBase64}</ds:X509Certificate></ds:X509Data></ds:KeyInfo></md:KeyDescriptor>` +
    slo +
    `<md:SingleSignOnService Binding="urn:oasis:names:tc:SAML:2.0:bindings:HTTP-Redirect" Location="https://idp.example/sso"/>` +
    `</md:IDPSSODescriptor></md:EntityDescriptor>`;
  const redirect = "urn:oasis:names:tc:SAML:2.0:bindings:HTTP-Redirect";
  const post = "urn:oasis:names:tc:SAML:2.0:bindings:HTTP-POST";

  it.each<[string, string, string | null]>([
    [
      "an HTTP-Redirect SingleLogoutService is read",
      `<md:SingleLogoutService Binding="${redirect}" Location="https://idp.example/slo"/>`,
      "https://idp.example/slo",
    ],
    ["none: the IdP offers no single logout", "", null],
    [
      "only HTTP-POST: not one the portal can send to",
      `<md:SingleLogoutService Binding="${post}" Location="https://idp.example/slo"/>`,
      null,
    ],
    [
      "a Location that isn't http(s) is ignored",
      `<md:SingleLogoutService Binding="${redirect}" Location="javascript:alert(1)"/>`,
      null,
    ],
  ])("%s", (_, slo, expected) => {
    expect(parseIdpMetadata(metadata(slo)).sloUrl).toBe(expected);
  });

  it("the LogoutRequest repeats the NameID exactly (qualifiers, Format, escaped) and the SessionIndex", () => {
    const saml = {
      spEntityId: "https://aws.corp.example/api/auth/saml/metadata",
      acsUrl: "https://aws.corp.example/api/auth/saml/acs",
      sloUrl: "https://aws.corp.example/api/auth/saml/slo",
      awsRelayUrl: "https://aws.corp.example/api/aws/saml/relay",
      metadataUrl: "https://aws.corp.example/api/auth/saml/metadata",
      clockSkewSeconds: 60,
      maxAssertionAgeSeconds: 300,
    };
    const built = buildLogoutRequest(
      saml,
      {
        entityId: "https://idp.example/md",
        ssoUrl: "https://idp.example/sso",
        sloUrl: "https://idp.example/slo?tenant=1",
      },
      {
        nameId: "a<b>&c",
        nameIdFormat: "urn:oasis:names:tc:SAML:2.0:nameid-format:persistent",
        nameQualifier: "https://idp.example/md",
        spNameQualifier: saml.spEntityId,
        sessionIndex: "_s1",
      },
      { relayState: "req-1", now: new Date("2026-12-03T10:00:00.000Z") },
    );
    const url = new URL(built.redirectUrl);
    expect(`${url.origin}${url.pathname}`).toBe("https://idp.example/slo");
    expect(url.searchParams.get("tenant")).toBe("1");
    expect(url.searchParams.get("RelayState")).toBe("req-1");
    const xml = inflateRawSync(
      Buffer.from(url.searchParams.get("SAMLRequest") ?? "", "base64"),
    ).toString("utf8");
    expect(xml).toContain(`ID="${built.id}"`);
    expect(xml).toContain('IssueInstant="2026-12-03T10:00:00.000Z"');
    expect(xml).toContain('Destination="https://idp.example/slo?tenant=1"');
    expect(xml).toContain(`<saml:Issuer>${saml.spEntityId}</saml:Issuer>`);
    expect(xml).toContain(
      `<saml:NameID NameQualifier="https://idp.example/md" SPNameQualifier="${saml.spEntityId}" Format="urn:oasis:names:tc:SAML:2.0:nameid-format:persistent">a&lt;b&gt;&amp;c</saml:NameID>`,
    );
    expect(xml).toContain("<samlp:SessionIndex>_s1</samlp:SessionIndex>");
  });
});

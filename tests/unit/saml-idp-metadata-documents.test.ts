// Metadata documents as real IdPs and federations publish them, and metadata URLs that misbehave
// (docs/SAML-IDENTITY.md "Adding an IdP"): the admin gets the IdP they meant or a message saying
// why not — never another entity picked silently, never a crash or an unbounded read.
import http from "node:http";
import type { AddressInfo } from "node:net";
import { afterEach, describe, expect, it } from "vitest";
import { fetchIdpMetadata } from "@/lib/saml/fetch-idp-metadata";
import { certificateWarnings, describeCertificate } from "@/lib/saml/certificate-info";
import { MetadataError, parseIdpMetadata } from "@/lib/saml/idp-metadata";
import { getTestSigningKey, type TestSigningKey } from "../support/saml-fixtures";

// At load: the tables below build their documents when the tests are collected.
const key: TestSigningKey = getTestSigningKey("idp");

const MD = `xmlns:md="urn:oasis:names:tc:SAML:2.0:metadata" xmlns:ds="http://www.w3.org/2000/09/xmldsig#"`;
const REDIRECT = "urn:oasis:names:tc:SAML:2.0:bindings:HTTP-Redirect";
const ARTIFACT = "urn:oasis:names:tc:SAML:2.0:bindings:HTTP-Artifact";

function idpEntity(entityId: string, opts: { binding?: string; inside?: string } = {}): string {
  return (
    `<md:EntityDescriptor entityID="${entityId}">${opts.inside ?? ""}` +
    `<md:IDPSSODescriptor protocolSupportEnumeration="urn:oasis:names:tc:SAML:2.0:protocol">` +
    `<md:KeyDescriptor use="signing"><ds:KeyInfo><ds:X509Data><ds:X509Certificate>${key.certificateBase64}</ds:X509Certificate></ds:X509Data></ds:KeyInfo></md:KeyDescriptor>` +
    `<md:SingleSignOnService Binding="${opts.binding ?? REDIRECT}" Location="${entityId}/sso"/>` +
    `</md:IDPSSODescriptor></md:EntityDescriptor>`
  );
}
const spEntity = (entityId: string) =>
  `<md:EntityDescriptor entityID="${entityId}"><md:SPSSODescriptor protocolSupportEnumeration="urn:oasis:names:tc:SAML:2.0:protocol"><md:AssertionConsumerService Binding="urn:oasis:names:tc:SAML:2.0:bindings:HTTP-POST" Location="${entityId}/acs" index="0"/></md:SPSSODescriptor></md:EntityDescriptor>`;
const entities = (...inner: string[]) =>
  `<md:EntitiesDescriptor ${MD}>${inner.join("")}</md:EntitiesDescriptor>`;
const single = (entityId: string, opts?: { binding?: string; inside?: string }) =>
  idpEntity(entityId, opts).replace("<md:EntityDescriptor ", `<md:EntityDescriptor ${MD} `);

function refusal(run: () => unknown): string {
  try {
    run();
  } catch (error) {
    if (error instanceof MetadataError) return error.message;
    throw error;
  }
  throw new Error("expected a MetadataError");
}

describe("metadata describing several entities never configures one the admin didn't pick", () => {
  const A = "https://a.example/idp";
  const B = "https://b.example/idp";

  it("an EntitiesDescriptor with several IdPs is refused, naming each", () => {
    const message = refusal(() => parseIdpMetadata(entities(idpEntity(A), idpEntity(B))));
    expect(message).toMatch(/describes 2 identity providers/);
    expect(message).toContain(A);
    expect(message).toContain(B);
  });

  it.each<[string, string, string | undefined, string]>([
    [
      "the entity ID picks one of several IdPs (a refresh)",
      entities(idpEntity(A), idpEntity(B)),
      B,
      B,
    ],
    [
      "an SP listed first is passed over for the one IdP",
      entities(spEntity(A), idpEntity(B)),
      undefined,
      B,
    ],
    ["a single IdP in an EntitiesDescriptor is read", entities(idpEntity(A)), undefined, A],
  ])("%s", (_, xml, entityId, expected) => {
    const parsed = parseIdpMetadata(xml, { entityId });
    expect(parsed.entityId).toBe(expected);
    expect(parsed.ssoUrl).toBe(`${expected}/sso`);
  });

  it("an entity ID none of several IdPs has is refused, naming them", () => {
    expect(
      refusal(() =>
        parseIdpMetadata(entities(idpEntity(A), idpEntity(B)), { entityId: "https://c.example" }),
      ),
    ).toMatch(/describes 2 identity providers .*none of them https:\/\/c\.example/);
  });

  it("metadata of only an SP is refused as not an IdP's", () => {
    expect(refusal(() => parseIdpMetadata(entities(spEntity(A))))).toMatch(/no IDPSSODescriptor/);
  });
});

describe("metadata XML", () => {
  it("comments, as Shibboleth ships its metadata with, are allowed", () => {
    const xml = `<?xml version="1.0"?>\n<!-- generated metadata: review before use -->\n${single(
      "https://shib.example/idp/shibboleth",
      { inside: "<!-- keys & endpoints <below> -->" },
    )}`;
    expect(parseIdpMetadata(xml).entityId).toBe("https://shib.example/idp/shibboleth");
  });

  it.each([
    ["a DOCTYPE with entities", `<!DOCTYPE x [<!ENTITY a "aaaa">]>`, /XML the portal refuses/],
    ["an unterminated comment", `<!-- never closed`, /not well-formed/],
  ])("%s is still refused", (_, prefix, message) => {
    expect(refusal(() => parseIdpMetadata(`${prefix}${single("https://x.example")}`))).toMatch(
      message,
    );
  });

  it("an IdP offering only the HTTP-Artifact binding is refused, naming what it offers", () => {
    expect(
      refusal(() => parseIdpMetadata(single("https://x.example", { binding: ARTIFACT }))),
    ).toMatch(/No HTTP-Redirect SingleSignOnService.*offers HTTP-Artifact/);
  });
});

describe("a metadata URL is read within bounds, and every failure is a clear MetadataError", () => {
  let server: http.Server | undefined;
  async function stop() {
    const running = server;
    server = undefined;
    if (!running) return;
    running.closeAllConnections();
    await new Promise((resolve) => running.close(resolve));
  }
  afterEach(stop);

  async function serve(handler: http.RequestListener): Promise<string> {
    server = http.createServer(handler);
    await new Promise<void>((resolve) => server?.listen(0, "127.0.0.1", resolve));
    return `http://127.0.0.1:${(server.address() as AddressInfo).port}/metadata`;
  }

  async function fetchRefusal(url: string, signal?: AbortSignal): Promise<string> {
    try {
      await fetchIdpMetadata(url, signal);
    } catch (error) {
      if (error instanceof MetadataError) return error.message;
      throw error;
    }
    throw new Error("expected a MetadataError");
  }

  it("an endless document is refused once past 512 KiB, without waiting for its end", async () => {
    const url = await serve((_req, res) => {
      res.writeHead(200, { "content-type": "application/xml" });
      const chunk = Buffer.alloc(64 * 1024, "a");
      const pump = () => {
        while (res.write(chunk));
        res.once("drain", pump);
      };
      res.on("close", () => res.removeAllListeners("drain"));
      pump();
    });
    expect(await fetchRefusal(url)).toBe("The metadata is larger than 512 KiB.");
  });

  it("a declared length over 512 KiB is refused before reading", async () => {
    const url = await serve((_req, res) => {
      res.writeHead(200, { "content-length": String(600 * 1024) });
      res.flushHeaders();
    });
    expect(await fetchRefusal(url)).toBe("The metadata is larger than 512 KiB.");
  });

  it("a body that stalls until the deadline is a MetadataError, not a crash", async () => {
    const deadline = new AbortController();
    const url = await serve((_req, res) => {
      res.writeHead(200, { "content-type": "application/xml" });
      // Headers and the start of the document, then nothing: the deadline passes mid-body.
      res.write("<md:EntityDescriptor", () => setImmediate(() => deadline.abort()));
    });
    expect(await fetchRefusal(url, deadline.signal)).toMatch(/did not send its metadata within/);
  });

  it("a redirect is refused, naming where it leads", async () => {
    const url = await serve((_req, res) => {
      res.writeHead(302, { location: "https://elsewhere.example/federation.xml" });
      res.end();
    });
    expect(await fetchRefusal(url)).toMatch(
      /redirects to https:\/\/elsewhere\.example\/federation\.xml \(HTTP 302\)/,
    );
  });

  it.each([
    ["plain http to another host", "http://idp.example/metadata", /must use https/],
    ["not a URL", "idp.example/metadata", /not a valid URL/],
  ])("%s is refused before any request", async (_, url, message) => {
    expect(await fetchRefusal(url)).toMatch(message);
  });

  it("an error status and a refused connection are named", async () => {
    const url = await serve((_req, res) => {
      res.writeHead(404);
      res.end();
    });
    expect(await fetchRefusal(url)).toBe("The metadata URL answered HTTP 404.");
    await stop();
    expect(await fetchRefusal(url)).toMatch(/could not be fetched/);
  });
});

describe("certificates that aren't valid today are accepted with a warning", () => {
  const pem = key.certificatePem;
  const { notBefore, notAfter } = describeCertificate(pem);
  const dayMs = 86_400_000;

  it.each<[string, Date, RegExp[]]>([
    ["valid today: no warning", new Date(notBefore.getTime() + dayMs / 2), []],
    [
      "expired: named, and none valid",
      new Date(notAfter.getTime() + dayMs),
      [/expired on \d{4}-\d{2}-\d{2}: check that this is the IdP's current metadata/, /None of/],
    ],
    [
      "not yet valid: named, and none valid",
      new Date(notBefore.getTime() - dayMs),
      [/is valid only from \d{4}-\d{2}-\d{2}/, /None of/],
    ],
  ])("%s", (_, now, expected) => {
    const warnings = certificateWarnings([pem], now);
    expect(warnings).toHaveLength(expected.length);
    expected.forEach((pattern, i) => expect(warnings[i]).toMatch(pattern));
  });
});

// What the admin pages read from an IdP's metadata and from a pasted certificate: the NameID
// formats decide whether the IdP needs a user-key attribute (docs/SAML-IDENTITY.md), and a pasted
// certificate is one X.509 certificate or nothing.
import { execFileSync } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { beforeAll, describe, expect, it } from "vitest";
import { describeCertificate, parsePastedCertificate } from "@/lib/saml/certificate-info";
import { parseIdpMetadata } from "@/lib/saml/idp-metadata";
import { NAME_ID_FORMAT, transientOnlyProblem } from "@/lib/saml/saml-attributes";
import { getTestSigningKey, type TestSigningKey } from "../support/saml-fixtures";

let key: TestSigningKey;
beforeAll(() => {
  key = getTestSigningKey("idp");
});

function metadata(formats: string[]): string {
  return (
    `<md:EntityDescriptor xmlns:md="urn:oasis:names:tc:SAML:2.0:metadata" xmlns:ds="http://www.w3.org/2000/09/xmldsig#" entityID="https://idp.example/md">` +
    `<md:IDPSSODescriptor protocolSupportEnumeration="urn:oasis:names:tc:SAML:2.0:protocol">` +
    `<md:KeyDescriptor use="signing"><ds:KeyInfo><ds:X509Data><ds:X509Certificate>${key.certificateBase64}</ds:X509Certificate></ds:X509Data></ds:KeyInfo></md:KeyDescriptor>` +
    formats.map((f) => `<md:NameIDFormat>\n  ${f}\n</md:NameIDFormat>`).join("") +
    `<md:SingleSignOnService Binding="urn:oasis:names:tc:SAML:2.0:bindings:HTTP-Redirect" Location="https://idp.example/sso"/>` +
    `</md:IDPSSODescriptor></md:EntityDescriptor>`
  );
}

const T = NAME_ID_FORMAT.transient;
const P = NAME_ID_FORMAT.persistent;
const E = NAME_ID_FORMAT.emailAddress;

describe("an IdP offering only transient NameIDs needs a user-key attribute", () => {
  it.each<[string, string[], string | null, boolean]>([
    ["transient only, no user-key attribute: refused", [T], null, true],
    ["transient listed twice: refused", [T, T], null, true],
    ["transient only, with a user-key attribute: fine", [T], "uid", false],
    ["transient and persistent: fine (the SP asks for persistent)", [T, P], null, false],
    ["email only: fine", [E], null, false],
    ["no NameIDFormat listed: nothing to go by, fine", [], null, false],
  ])("%s", (_, formats, userKeyAttribute, refused) => {
    const parsed = parseIdpMetadata(metadata(formats));
    expect(parsed.nameIdFormats).toEqual([...new Set(formats)]);
    const problem = transientOnlyProblem(parsed.nameIdFormats, userKeyAttribute);
    if (refused) expect(problem).toMatch(/only transient NameIDs.*user-key attribute/);
    else expect(problem).toBeNull();
  });
});

describe("a pasted certificate", () => {
  it("PEM and its bare base64 body give the same certificate", () => {
    const fromPem = parsePastedCertificate(`\n${key.certificatePem}\n`);
    const fromBody = parsePastedCertificate(key.certificateBase64);
    expect(fromPem).not.toBeNull();
    expect(describeCertificate(fromPem ?? "").fingerprint).toBe(
      describeCertificate(fromBody ?? "").fingerprint,
    );
  });

  it.each([
    ["empty", ""],
    ["text", "hello"],
    ["a private key", "-----BEGIN PRIVATE KEY-----\nMIIBVQIBADANBg==\n-----END PRIVATE KEY-----"],
    [
      "two certificates",
      () => `${key.certificatePem}\n${getTestSigningKey("idp-next").certificatePem}`,
    ],
    ["base64 that is not a certificate", Buffer.from("not der").toString("base64")],
  ])("%s is refused", (_, text) => {
    expect(parsePastedCertificate(typeof text === "function" ? text() : text)).toBeNull();
  });

  it("is described by subject, expiry and SHA-256 fingerprint", () => {
    const info = describeCertificate(key.certificatePem, new Date("2000-01-01T00:00:00Z"));
    expect(info.fingerprint).toMatch(/^([0-9A-F]{2}:){31}[0-9A-F]{2}$/);
    expect(info.subject).toMatch(/CN=/);
    expect(info.isExpired).toBe(false);
    expect(describeCertificate(key.certificatePem, new Date("2999-01-01")).isExpired).toBe(true);
  });

  it("shows a subject's values as written, without RFC 2253's escapes", () => {
    const dir = mkdtempSync(path.join(tmpdir(), "cert-subject-"));
    try {
      // prettier-ignore
      execFileSync("openssl", ["req", "-x509", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:P-256", "-nodes", "-days", "1", "-subj", "/O=test keys, not valid anywhere/CN=Gatehouse; <demo>", "-keyout", path.join(dir, "key.pem"), "-out", path.join(dir, "cert.pem")], { stdio: "ignore" });
      const pem = readFileSync(path.join(dir, "cert.pem"), "utf8");
      expect(describeCertificate(pem).subject).toBe(
        "O=test keys, not valid anywhere, CN=Gatehouse; <demo>",
      );
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});

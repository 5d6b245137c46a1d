// The portal's SP metadata validates against the OASIS SAML 2.0 metadata schema. The schemas come
// from Debian's opensaml-schemas and xmltooling-schemas packages (installed by .ci/run), run
// through the same xmllint engine the portal uses for responses.
import fs from "node:fs";
import xmllint from "node-xmllint";
import { describe, expect, it } from "vitest";
import { serviceProviderMetadata } from "@/lib/saml/service-provider";

const OPENSAML = "/usr/share/xml/opensaml";
const XMLTOOLING = "/usr/share/xml/xmltooling";

function schemas(): string[] {
  const files = [
    `${OPENSAML}/saml-schema-assertion-2.0.xsd`,
    `${XMLTOOLING}/xmldsig-core-schema.xsd`,
    `${XMLTOOLING}/xenc-schema.xsd`,
    `${XMLTOOLING}/xml.xsd`,
    `${OPENSAML}/saml-schema-metadata-2.0.xsd`,
  ];
  for (const file of files) {
    if (!fs.existsSync(file)) {
      throw new Error(
        `${file} is missing: apt-get install opensaml-schemas xmltooling-schemas (.ci/run does)`,
      );
    }
  }
  // The engine mounts schemas as file_0.xsd, file_1.xsd…: point every import at those names.
  const local = (xsd: string) =>
    xsd
      .replace(
        /schemaLocation=["'][^"']*saml-schema-assertion-2\.0\.xsd["']/g,
        'schemaLocation="file_0.xsd"',
      )
      .replace(
        /schemaLocation=["'][^"']*xmldsig-core-schema\.xsd["']/g,
        'schemaLocation="file_1.xsd"',
      )
      .replace(/schemaLocation=["'][^"']*xenc-schema\.xsd["']/g, 'schemaLocation="file_2.xsd"')
      .replace(/schemaLocation=["'][^"']*\/xml\.xsd["']/g, 'schemaLocation="file_3.xsd"');
  return files.map((file) => local(fs.readFileSync(file, "utf8")));
}

function validityErrors(xml: string): string[] {
  const result = xmllint.validateXML({ xml, schema: schemas() });
  return (result.errors ?? []).filter((e) => /validity error|parser error/.test(e));
}

const saml = {
  spEntityId: "https://aws.corp.example/api/auth/saml/metadata",
  acsUrl: "https://aws.corp.example/api/auth/saml/acs",
  sloUrl: "https://aws.corp.example/api/auth/saml/slo",
  awsRelayUrl: "https://aws.corp.example/api/aws/saml/relay",
  metadataUrl: "https://aws.corp.example/api/auth/saml/metadata",
  clockSkewSeconds: 60,
  maxAssertionAgeSeconds: 300,
};

describe("SP metadata", () => {
  it("validates against the OASIS SAML 2.0 metadata schema", () => {
    expect(validityErrors(serviceProviderMetadata(saml))).toEqual([]);
  }, 30_000);

  it("the schema check is real: metadata missing a required attribute is invalid", () => {
    const broken = serviceProviderMetadata(saml).replace(/ protocolSupportEnumeration="[^"]*"/, "");
    expect(validityErrors(broken).join("\n")).toMatch(/protocolSupportEnumeration/);
  }, 30_000);
});

import "server-only";
import assertionXsd from "@authenio/samlify-node-xmllint/build/schemas/saml-schema-assertion-2.0.xsd";
import protocolXsd from "@authenio/samlify-node-xmllint/build/schemas/saml-schema-protocol-2.0.xsd";
import xmldsigXsd from "@authenio/samlify-node-xmllint/build/schemas/xmldsig-core-schema.xsd";
import xencXsd from "@authenio/samlify-node-xmllint/build/schemas/xenc-schema.xsd";
import type * as Libxml2Module from "libxml2-wasm";
import { SamlRejection } from "./types";

/**
 * SAML schema validation with libxml2 (libxml2-wasm: libxml2 compiled to WebAssembly, no native
 * build, no file or network access of its own). The SAML 2.0 protocol schema and the assertion,
 * XML-DSig and XML-Enc schemas it imports (the copies @authenio/samlify-node-xmllint ships) are
 * compiled once per process, in about 20 ms; each message is then parsed and validated against
 * the compiled schema, about 0.1 ms for a signed response. (node-xmllint, used before, ran the
 * whole xmllint program per message: re-reading and compiling the four schemas cost 11 ms each
 * time, and its first call two seconds.)
 */

// libxml2-wasm is an ES module with top-level await (it instantiates its WebAssembly on load),
// so it is imported at run time, not required; only its types are needed statically.
type Libxml2 = typeof Libxml2Module;

interface Engine {
  lib: Libxml2;
  validator: InstanceType<Libxml2["XsdValidator"]>;
}

// The schemas' imports name sibling files; they are served from memory under this prefix, which
// only they use (an input provider is process-wide in libxml2).
const SCHEMA_BASE = "gatehouse-saml-schemas:///";

const SELF_TEST_VALID =
  '<samlp:Response xmlns:samlp="urn:oasis:names:tc:SAML:2.0:protocol" ID="_selftest" Version="2.0" ' +
  'IssueInstant="2000-01-01T00:00:00Z"><samlp:Status><samlp:StatusCode ' +
  'Value="urn:oasis:names:tc:SAML:2.0:status:Success"/></samlp:Status></samlp:Response>';
const SELF_TEST_INVALID = SELF_TEST_VALID.replace(' Version="2.0"', "");

// Process-wide state on globalThis: Next.js may load this module once per bundle
// (instrumentation, routes), and the engine loaded at boot must serve every copy.
const ENGINE = Symbol.for("gatehouse.saml.schemaEngine");
const LOADING = Symbol.for("gatehouse.saml.schemaEngineLoading");
const shared = globalThis as { [ENGINE]?: Engine; [LOADING]?: Promise<Engine> };

async function compileEngine(): Promise<Engine> {
  const lib = await import("libxml2-wasm");
  const encode = (text: string) => new TextEncoder().encode(text);
  lib.xmlRegisterInputProvider(
    new lib.XmlBufferInputProvider({
      [`${SCHEMA_BASE}saml-schema-assertion-2.0.xsd`]: encode(assertionXsd),
      [`${SCHEMA_BASE}xmldsig-core-schema.xsd`]: encode(xmldsigXsd),
      [`${SCHEMA_BASE}xenc-schema.xsd`]: encode(xencXsd),
    }),
  );
  const schema = lib.XmlDocument.fromString(protocolXsd, {
    url: `${SCHEMA_BASE}saml-schema-protocol-2.0.xsd`,
  });
  try {
    const engine = { lib, validator: lib.XsdValidator.fromDoc(schema) };
    if (schemaErrors(engine, SELF_TEST_VALID).length > 0)
      throw new Error("the SAML schema validator refused a valid message in its self-test");
    if (schemaErrors(engine, SELF_TEST_INVALID).length === 0)
      throw new Error("the SAML schema validator accepted an invalid message in its self-test");
    return engine;
  } finally {
    schema.dispose();
  }
}

/**
 * Parse options for messages: no network, no external entities, no XInclude, no entity
 * substitution, libxml2's default limits on depth and size (no XML_PARSE_HUGE). Messages reach the
 * engine only after `assertSafeXml` (no DOCTYPE at all); these hold even if that ever changed.
 */
function messageParseOptions(lib: Libxml2): number {
  const o = lib.ParseOption;
  return o.XML_PARSE_NONET | o.XML_PARSE_NO_XXE | o.XML_PARSE_NOERROR | o.XML_PARSE_NOWARNING;
}

/** The schema errors for `xml` (empty when valid). A document libxml2 can't parse is an error. */
function schemaErrors(engine: Engine, xml: string): string[] {
  const { lib, validator } = engine;
  let doc: InstanceType<Libxml2["XmlDocument"]>;
  try {
    doc = lib.XmlDocument.fromString(xml, { option: messageParseOptions(lib) });
  } catch (error) {
    return [`not well-formed: ${error instanceof Error ? error.message : String(error)}`];
  }
  try {
    validator.validate(doc);
    return [];
  } catch (error) {
    if (error instanceof lib.XmlValidateError)
      return error.details.map((d) => d.message.trim()).filter(Boolean);
    return [error instanceof Error ? error.message : String(error)];
  } finally {
    doc.dispose();
  }
}

// libxml2 quotes offending values ("attribute 'IssueInstant': 'alice@…' is not a valid value"):
// keep what names the schema's parts (element, attribute and type names), drop every other quote.
function redact(error: string): string {
  return error
    .replace(/(\b(?:[Ee]lement|attribute|type)\s)?'([^']*)'/g, (quoted, naming?: string) =>
      naming ? quoted : "'…'",
    )
    .slice(0, 300);
}

/**
 * Loads and compiles the engine and runs its self-test (a valid message passes, an invalid one
 * fails), once per process. Boot awaits it (lib/boot.ts), so no request is served before it is
 * ready; later calls return the same promise. samlify gets it from service-provider.ts, the one
 * module that loads samlify (`samlifySchemaValidator`), so samlify is not loaded at boot.
 * @throws Error when the engine can't be loaded or fails its self-test.
 */
export function loadSamlSchemaValidator(): Promise<void> {
  shared[LOADING] ??= compileEngine().then(
    (engine) => {
      shared[ENGINE] = engine;
      return engine;
    },
    (error: unknown) => {
      shared[LOADING] = undefined; // a later call tries again
      throw error;
    },
  );
  return shared[LOADING].then(() => undefined);
}

/** Whether the engine is loaded and self-tested in this process. */
export function isSamlSchemaValidatorReady(): boolean {
  return shared[ENGINE] !== undefined;
}

/**
 * Validates a SAML protocol message against the SAML 2.0 protocol/assertion, XML-DSig and XML-Enc
 * schemas. Run it only on text that passed `assertSafeXml`.
 * @throws SamlRejection `schema_invalid` (detail: the first error, values redacted).
 * @throws Error when the engine is not loaded (`loadSamlSchemaValidator`) — never skips the check.
 */
export function validateSamlSchema(xml: string): void {
  const engine = shared[ENGINE];
  if (!engine) {
    throw new Error("SAML schema validator not loaded: await loadSamlSchemaValidator() at boot");
  }
  const errors = schemaErrors(engine, xml);
  if (errors.length > 0) {
    throw new SamlRejection(
      "schema_invalid",
      `${errors.length} schema error(s); first: ${redact(errors[0] ?? "")}`,
    );
  }
}

/**
 * `validateSamlSchema` in the shape samlify's `setSchemaValidator` takes: it refuses every message
 * while the engine is not loaded, so samlify's flows fail closed.
 */
export const samlifySchemaValidator = {
  validate(xml: string): Promise<string> {
    try {
      validateSamlSchema(xml);
      return Promise.resolve("SUCCESS_VALIDATE_XML");
    } catch {
      return Promise.reject(new Error("ERR_EXCEPTION_VALIDATE_XML"));
    }
  },
};

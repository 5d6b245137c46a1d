import "server-only";
import assertionXsd from "@authenio/samlify-node-xmllint/build/schemas/saml-schema-assertion-2.0.xsd";
import protocolXsd from "@authenio/samlify-node-xmllint/build/schemas/saml-schema-protocol-2.0.xsd";
import xmldsigXsd from "@authenio/samlify-node-xmllint/build/schemas/xmldsig-core-schema.xsd";
import xencXsd from "@authenio/samlify-node-xmllint/build/schemas/xenc-schema.xsd";
import xmllint from "node-xmllint";
import { setSchemaValidator } from "samlify";
import { SamlRejection } from "./types";

/**
 * SAML schema validation with @authenio/samlify-node-xmllint's engine (node-xmllint, libxml2 in
 * asm.js) and schemas. The package's own `validate` is not registered as is: every call of the
 * engine leaves behind a process "uncaughtException" listener and a stdout "drain" listener that
 * calls process.exit() (Emscripten's exit path), writes to stdout, and the package logs the
 * validation errors — which quote values from the message — with console.error. Here each call runs
 * contained (see `runContained`) and errors go only into the rejection detail, redacted.
 */

// The engine mounts schemas as file_0.xsd… in its virtual file system; imports must name those
// files (the same rewrite the package does).
const SCHEMAS = [
  assertionXsd
    .replace("xmldsig-core-schema.xsd", "file_1.xsd")
    .replace("xenc-schema.xsd", "file_2.xsd"),
  xmldsigXsd,
  xencXsd.replace("xmldsig-core-schema.xsd", "file_1.xsd"),
  protocolXsd
    .replace("saml-schema-assertion-2.0.xsd", "file_0.xsd")
    .replace("xmldsig-core-schema.xsd", "file_1.xsd"),
];

const SELF_TEST_VALID =
  '<samlp:Response xmlns:samlp="urn:oasis:names:tc:SAML:2.0:protocol" ID="_selftest" Version="2.0" ' +
  'IssueInstant="2000-01-01T00:00:00Z"><samlp:Status><samlp:StatusCode ' +
  'Value="urn:oasis:names:tc:SAML:2.0:status:Success"/></samlp:Status></samlp:Response>';
const SELF_TEST_INVALID = SELF_TEST_VALID.replace(' Version="2.0"', "");

// Process-wide state on globalThis: Next.js may load this module once per bundle
// (instrumentation, routes), and a registration at boot must count for every copy. The engine
// function is kept there too: node-xmllint replaces its own module.exports with the Emscripten
// module after its first call, so a copy that imports it later would find no validateXML.
const REGISTERED = Symbol.for("gatehouse.saml.schemaValidatorRegistered");
const ENGINE = Symbol.for("gatehouse.saml.nodeXmllintValidateXML");
const shared = globalThis as {
  [REGISTERED]?: boolean;
  [ENGINE]?: typeof xmllint.validateXML;
};
if (typeof xmllint.validateXML === "function") shared[ENGINE] ??= xmllint.validateXML;

function engine(): typeof xmllint.validateXML {
  const validateXml = shared[ENGINE];
  if (typeof validateXml !== "function") {
    throw new Error("node-xmllint is not usable: validateXML is missing");
  }
  return validateXml;
}

/**
 * Runs `fn` (synchronous) and undoes what the Emscripten runtime leaves behind: listeners added to
 * process "uncaughtException" and to stdout/stderr "drain" are removed, and whatever it writes to
 * stdout/stderr or the console meanwhile is dropped. Nothing else can run during a synchronous
 * call, so only the engine's own output is affected.
 */
function runContained<T>(fn: () => T): T {
  const exceptionListeners = new Set(process.listeners("uncaughtException"));
  const streams = [process.stdout, process.stderr];
  const drainListeners = streams.map((s) => new Set(s.listeners("drain")));
  const silenced: Array<[object, string]> = [
    ...streams.map((s): [object, string] => [s, "write"]),
    ...["log", "error", "warn", "info"].map((m): [object, string] => [console, m]),
  ];
  // Own-property descriptors, restored exactly (stream.write usually lives on the prototype).
  const saved = silenced.map(([target, key]) => Object.getOwnPropertyDescriptor(target, key));
  for (const [target, key] of silenced) {
    Object.defineProperty(target, key, { value: () => true, configurable: true, writable: true });
  }
  try {
    return fn();
  } finally {
    silenced.forEach(([target, key], i) => {
      const original = saved[i];
      if (original) Object.defineProperty(target, key, original);
      else delete (target as Record<string, unknown>)[key];
    });
    streams.forEach((stream, i) => {
      for (const listener of stream.listeners("drain")) {
        if (!drainListeners[i]?.has(listener))
          stream.removeListener("drain", listener as () => void);
      }
    });
    for (const listener of process.listeners("uncaughtException")) {
      if (!exceptionListeners.has(listener)) process.removeListener("uncaughtException", listener);
    }
  }
}

/** The schema errors for `xml` (empty when valid). An engine abort (e.g. out of memory) is an error. */
function schemaErrors(xml: string): string[] {
  const validateXml = engine();
  try {
    const result = runContained(() => validateXml({ xml, schema: SCHEMAS }));
    return result.errors ?? [];
  } catch {
    return ["the schema validator aborted (input too large or not XML)"];
  }
}

// libxml2 quotes offending values ('alice@…' is not a valid value…): keep names, drop values.
function redact(error: string): string {
  return error
    .replace(/'([^']*)'/g, (quoted, inner: string) => (inner.startsWith("{") ? quoted : "'…'"))
    .slice(0, 300);
}

const SELF_TESTED = Symbol.for("gatehouse.saml.schemaValidatorSelfTested");
const selfTest = globalThis as { [SELF_TESTED]?: boolean };

/**
 * Runs the engine's self-test once per process (a valid message passes, an invalid one fails). The
 * first call also pays the engine's one-off compilation, about two seconds of CPU: boot calls it
 * when the portal has a SAML IdP, so no sign-in waits for it; otherwise the first SAML message
 * does. Every validation goes through it, so no message is ever checked by an untested engine.
 * @throws Error when the engine is unusable or fails its self-test.
 */
export function selfTestSamlSchemaValidator(): void {
  if (selfTest[SELF_TESTED] === true) return;
  if (schemaErrors(SELF_TEST_VALID).length > 0 || schemaErrors(SELF_TEST_INVALID).length === 0) {
    throw new Error("the SAML schema validator failed its self-test");
  }
  selfTest[SELF_TESTED] = true;
}

/** Whether the engine has passed its self-test in this process. */
export function isSamlSchemaValidatorSelfTested(): boolean {
  return selfTest[SELF_TESTED] === true;
}

/**
 * Registers the SAML schema validator with samlify (its flows refuse to run without one) and with
 * this module's `validateSamlSchema`; idempotent and cheap (the engine is self-tested on first use,
 * see `selfTestSamlSchemaValidator`). Call it once at boot.
 * @throws Error when the engine is unusable.
 */
export function registerSamlSchemaValidator(): void {
  if (shared[REGISTERED] === true) return;
  engine();
  setSchemaValidator({
    validate: (xml: string) => {
      let errors: string[];
      try {
        selfTestSamlSchemaValidator();
        errors = schemaErrors(xml);
      } catch (error) {
        return Promise.reject(error instanceof Error ? error : new Error(String(error)));
      }
      return errors.length === 0
        ? Promise.resolve("SUCCESS_VALIDATE_XML")
        : Promise.reject(new Error("ERR_EXCEPTION_VALIDATE_XML"));
    },
  });
  shared[REGISTERED] = true;
}

/** Whether `registerSamlSchemaValidator` has run in this process. */
export function isSamlSchemaValidatorRegistered(): boolean {
  return shared[REGISTERED] === true;
}

/**
 * Validates a SAML protocol message against the SAML 2.0 protocol/assertion, XML-DSig and XML-Enc
 * schemas. Run it only on text that passed `assertSafeXml` (the engine is libxml2: no DOCTYPE may
 * reach it).
 * @throws SamlRejection `schema_invalid` (detail: the first error, values redacted).
 * @throws Error when no validator was registered or the engine fails its self-test — never skips
 *   the check.
 */
export function validateSamlSchema(xml: string): void {
  if (shared[REGISTERED] !== true) {
    throw new Error(
      "SAML schema validator not registered: call registerSamlSchemaValidator() at boot",
    );
  }
  selfTestSamlSchemaValidator();
  const errors = schemaErrors(xml);
  if (errors.length > 0) {
    throw new SamlRejection(
      "schema_invalid",
      `${errors.length} schema error(s); first: ${redact(errors[0] ?? "")}`,
    );
  }
}

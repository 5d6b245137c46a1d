import { SamlLib } from "samlify";
import { describe, expect, it } from "vitest";
import {
  isSamlSchemaValidatorRegistered,
  isSamlSchemaValidatorSelfTested,
  registerSamlSchemaValidator,
  validateSamlSchema,
} from "@/lib/saml/schema-validator";
import { SamlRejection } from "@/lib/saml/types";
import { buildSamlResponse } from "@/tests/support/saml-fixtures";

// Module state is per test file in vitest, so "not registered yet" is observable here first.
describe("SAML schema validation", () => {
  it("refuses to run before a validator is registered (never skips the check)", () => {
    expect(isSamlSchemaValidatorRegistered()).toBe(false);
    expect(() => validateSamlSchema(buildSamlResponse())).toThrow(/not registered/);
  });

  it("registers once with samlify, and leaves no process listeners or output behind", async () => {
    const exceptionListeners = process.listenerCount("uncaughtException");
    const drainListeners = process.stdout.listenerCount("drain");
    registerSamlSchemaValidator();
    registerSamlSchemaValidator();
    expect(isSamlSchemaValidatorRegistered()).toBe(true);
    // Registering is cheap: the engine's compilation and self-test wait for the first message.
    expect(isSamlSchemaValidatorSelfTested()).toBe(false);
    // samlify's own flows reach the validator through SamlLib.isValidXml.
    await expect(SamlLib.isValidXml(buildSamlResponse())).resolves.toBe("SUCCESS_VALIDATE_XML");
    await expect(SamlLib.isValidXml("<samlp:Response/>")).rejects.toThrow();
    expect(isSamlSchemaValidatorSelfTested()).toBe(true);
    expect(process.listenerCount("uncaughtException")).toBe(exceptionListeners);
    expect(process.stdout.listenerCount("drain")).toBe(drainListeners);
  }, 120_000);

  it("a signed response from the fixtures is schema-valid", () => {
    expect(() => validateSamlSchema(buildSamlResponse({ signResponse: true }))).not.toThrow();
  });

  it("an invalid message is schema_invalid, and the detail quotes no values from it", () => {
    const xml = buildSamlResponse().replace(
      /IssueInstant="[^"]+"/,
      'IssueInstant="secret-value-not-a-date"',
    );
    let rejection: unknown;
    try {
      validateSamlSchema(xml);
    } catch (error) {
      rejection = error;
    }
    expect(rejection).toBeInstanceOf(SamlRejection);
    expect((rejection as SamlRejection).reason).toBe("schema_invalid");
    expect((rejection as SamlRejection).detail).not.toContain("secret-value");
  });

  it("an engine abort (input too large for its memory) is schema_invalid, not a crash", () => {
    const huge = buildSamlResponse().replace(
      "</samlp:Response>",
      `${"<x/>".repeat(2_000_000)}</samlp:Response>`,
    );
    expect(() => validateSamlSchema(huge)).toThrow(SamlRejection);
  }, 60_000);
});

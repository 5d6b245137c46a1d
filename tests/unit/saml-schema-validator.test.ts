import { SamlLib } from "samlify";
import { describe, expect, it } from "vitest";
import {
  isSamlSchemaValidatorReady,
  loadSamlSchemaValidator,
  validateSamlSchema,
} from "@/lib/saml/schema-validator";
import { SamlRejection } from "@/lib/saml/types";
// The one module that loads samlify, and gives it our validator as it does.
import "@/lib/saml/service-provider";
import { buildSamlResponse } from "@/tests/support/saml-fixtures";

function rejectionOf(xml: string): SamlRejection {
  try {
    validateSamlSchema(xml);
  } catch (error) {
    if (error instanceof SamlRejection) return error;
    throw error;
  }
  throw new Error("expected a SamlRejection, but the message was accepted");
}

// Module state is per test file in vitest, so "not loaded yet" is observable here first.
describe("SAML schema validation", () => {
  it("refuses to run before the engine is loaded (never skips the check), and so does samlify", async () => {
    expect(isSamlSchemaValidatorReady()).toBe(false);
    expect(() => validateSamlSchema(buildSamlResponse())).toThrow(/not loaded/);
    await expect(SamlLib.isValidXml(buildSamlResponse())).rejects.toThrow();
  });

  it("loads once (concurrent calls share it), is what samlify validates with, and leaves no process listeners behind", async () => {
    const exceptionListeners = process.listenerCount("uncaughtException");
    const drainListeners = process.stdout.listenerCount("drain");
    await Promise.all([loadSamlSchemaValidator(), loadSamlSchemaValidator()]);
    await loadSamlSchemaValidator();
    expect(isSamlSchemaValidatorReady()).toBe(true);
    // samlify's own flows reach the validator through SamlLib.isValidXml.
    await expect(SamlLib.isValidXml(buildSamlResponse())).resolves.toBe("SUCCESS_VALIDATE_XML");
    await expect(SamlLib.isValidXml("<samlp:Response/>")).rejects.toThrow();
    expect(process.listenerCount("uncaughtException")).toBe(exceptionListeners);
    expect(process.stdout.listenerCount("drain")).toBe(drainListeners);
  });

  it("a signed response from the fixtures is schema-valid", () => {
    expect(() => validateSamlSchema(buildSamlResponse({ signResponse: true }))).not.toThrow();
  });

  it.each([
    ["a missing required attribute", (x: string) => x.replace(/ Version="2.0"/, "")],
    [
      "an unknown element in the protocol namespace",
      (x: string) => x.replace("<samlp:Status>", "<samlp:Status><samlp:Extra/>"),
    ],
    [
      "elements out of the schema's order",
      (x: string) =>
        x.replace(
          /(<saml:Issuer[^>]*>[^<]*<\/saml:Issuer>)(<samlp:Status>.*?<\/samlp:Status>)/s,
          "$2$1",
        ),
    ],
    ["a root element of another namespace", () => '<Response xmlns="urn:example"/>'],
    ["text that is not XML", () => "<samlp:Response"],
  ])("%s is schema_invalid", (_name, mutate) => {
    const original = buildSamlResponse();
    const xml = mutate(original);
    expect(xml).not.toBe(original); // the mutation applied
    expect(rejectionOf(xml).reason).toBe("schema_invalid");
  });

  it("an invalid message is schema_invalid, and the detail quotes no values from it", () => {
    const xml = buildSamlResponse().replace(
      /IssueInstant="[^"]+"/,
      'IssueInstant="secret-value-not-a-date"',
    );
    const rejection = rejectionOf(xml);
    expect(rejection.reason).toBe("schema_invalid");
    expect(rejection.detail).toContain("IssueInstant");
    expect(rejection.detail).not.toContain("secret-value");
  });

  it("a very large message is schema_invalid or valid, never a crash, and leaves the engine usable", () => {
    const huge = buildSamlResponse().replace(
      "</samlp:Response>",
      `${"<x/>".repeat(2_000_000)}</samlp:Response>`,
    );
    expect(rejectionOf(huge).reason).toBe("schema_invalid");
    expect(() => validateSamlSchema(buildSamlResponse())).not.toThrow();
  }, 60_000);
});

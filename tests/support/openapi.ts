// Checks real /api/v1 responses against the portal's own OpenAPI 3.1 document (JSON Schema
// 2020-12), fetched from the running portal.
import { Ajv2020 } from "ajv/dist/2020";
import { expect } from "vitest";
import type { TestStack } from "./stack";

type Doc = {
  openapi: string;
  paths: Record<
    string,
    Record<string, { responses: Record<string, { content?: Record<string, { schema: unknown }> }> }>
  >;
  components: { schemas: Record<string, unknown> };
};

export interface OpenApiChecker {
  doc: Doc;
  /** Asserts that `body` is what the document says `method path` answers with `status`. */
  expectConforms(method: string, path: string, status: number, body: unknown): void;
}

export async function openApiChecker(stack: TestStack): Promise<OpenApiChecker> {
  const res = await fetch(`${stack.portalUrl}/api/v1/openapi.json`);
  expect(res.status).toBe(200);
  const doc = (await res.json()) as Doc;
  expect(doc.openapi).toBe("3.1.0");
  const ajv = new Ajv2020({ strict: false, allErrors: true });
  ajv.addFormat(
    "date-time",
    (s: string) => !Number.isNaN(Date.parse(s)) && /^\d{4}-\d\d-\d\dT/.test(s),
  );
  ajv.addFormat("uri", (s: string) => URL.canParse(s));
  ajv.addSchema({ $id: "doc", components: doc.components });
  return {
    doc,
    expectConforms(method, path, status, body) {
      const operation = doc.paths[path]?.[method.toLowerCase()];
      expect(operation, `${method} ${path} is in the OpenAPI document`).toBeDefined();
      const response = operation!.responses[String(status)];
      expect(response, `${method} ${path} documents status ${status}`).toBeDefined();
      const schema = response!.content?.["application/json"]?.schema;
      if (schema === undefined) {
        expect(body, `${method} ${path} ${status} has no body`).toBeNull();
        return;
      }
      const rewritten = JSON.parse(
        JSON.stringify(schema).replaceAll('"#/components', '"doc#/components'),
      ) as object;
      const validate = ajv.compile(rewritten);
      const ok = validate(body);
      expect(
        ok,
        `${method} ${path} ${status}: ${ajv.errorsText(validate.errors)}\n${JSON.stringify(body).slice(0, 400)}`,
      ).toBe(true);
    },
  };
}

// node-xmllint 1.0 (libxml2's xmllint compiled to asm.js by Emscripten) ships no types. Only the
// one call the schema validator makes is declared.
declare module "node-xmllint" {
  interface ValidateXmlOptions {
    xml: string | string[];
    schema: string | string[];
    TOTAL_MEMORY?: number;
  }
  interface ValidateXmlResult {
    errors: string[] | null;
  }
  const xmllint: { validateXML: (options: ValidateXmlOptions) => ValidateXmlResult };
  export = xmllint;
}

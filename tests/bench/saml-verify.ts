// `npm run bench:saml`: how long one SAML sign-in's validation takes — verifySamlResponse over
// 1,000 distinct signed assertions — next to baselines measured in the same run: parsing the same
// documents with @xmldom/xmldom (the floor of any XML work) and the schema validation step alone.
import { DOMParser } from "@xmldom/xmldom";
import {
  loadSamlSchemaValidator,
  validateSamlSchema,
  verifySamlResponse,
} from "@/lib/saml/verify-response";
import {
  buildSamlResponse,
  FIXTURE_ACS_URL,
  FIXTURE_IDP_ENTITY_ID,
  FIXTURE_SP_ENTITY_ID,
  getTestSigningKey,
} from "../support/saml-fixtures";
import { recordFigures } from "./figures";
import { median, percentile } from "./stats";

const COUNT = Number(process.env.BENCH_ROUNDS || 1000);

const p95 = (samples: number[]) =>
  percentile(
    [...samples].sort((a, b) => a - b),
    95,
  );
function time(fn: () => void): number {
  const started = process.hrtime.bigint();
  fn();
  return Number(process.hrtime.bigint() - started) / 1e6;
}

async function main(): Promise<void> {
  const compileStarted = process.hrtime.bigint();
  await loadSamlSchemaValidator();
  const compile = Number(process.hrtime.bigint() - compileStarted) / 1e6;
  const idpKey = getTestSigningKey("idp");
  const now = new Date();
  const responses = Array.from({ length: COUNT }, () => buildSamlResponse({ now }));
  const opts = {
    idp: {
      entityId: FIXTURE_IDP_ENTITY_ID,
      signingCertificates: [idpKey.certificatePem],
      requireSignedResponse: false,
    },
    expect: {
      audience: FIXTURE_SP_ENTITY_ID,
      recipients: [FIXTURE_ACS_URL],
      target: "portal" as const,
    },
    time: { now, skewSeconds: 60, maxAgeSeconds: 300 },
  };
  const parse = responses.map((xml) =>
    time(() => new DOMParser().parseFromString(xml, "text/xml")),
  );
  const schema = responses.map((xml) => time(() => validateSamlSchema(xml)));
  const verify = responses.map((xml) => time(() => verifySamlResponse(xml, opts)));
  const base = median(parse);
  console.log(
    `\nSAML response validation — ${COUNT} distinct signed responses (~${Math.round(responses[0]!.length / 100) / 10} KB each)`,
  );
  console.log(`schema validator compile (once per process): ${compile.toFixed(0)} ms\n`);
  console.log(`${"".padEnd(36)} ${"median".padStart(9)} ${"p95".padStart(9)}  ×parse`);
  for (const [name, samples] of [
    ["xmldom parse (baseline)", parse],
    ["schema validation alone", schema],
    ["verifySamlResponse (full rules)", verify],
  ] as const) {
    console.log(
      `${name.padEnd(36)} ${median(samples).toFixed(2).padStart(7)}ms ${p95(samples).toFixed(2).padStart(7)}ms  ${(median(samples) / base).toFixed(1)}`,
    );
  }
  recordFigures([
    {
      name: "SAML response validation (verifySamlResponse), median",
      value: median(verify),
      unit: "ms",
      baseline: { name: "xmldom parse of the same response", value: base },
      target: { atMost: 20 },
    },
  ]);
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});

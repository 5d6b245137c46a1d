// What failed — read back from what tests/support/failure-reporter.ts wrote for a vitest tier, and
// from Playwright's JSON report — so the end of `npm test`'s output (often all a CI log keeps)
// says which file and test failed and why, including a setup that threw (its tests are "skipped").
import fs from "node:fs";

export interface Failure {
  tier: string;
  where: string;
  message: string;
}

const MAX_LINES = 12;

const LIBRARY_FRAME = /^\s+at .*(node_modules|node:internal|<anonymous>)/;

/** The first lines of a failure message, without colour codes or stack frames of libraries. */
export function firstLines(message: string, max = MAX_LINES): string {
  const lines = message
    .replace(/\x1b\[[0-9;]*m/g, "")
    .trimEnd()
    .split("\n")
    .filter((line) => !LIBRARY_FRAME.test(line));
  return lines.length > max
    ? [...lines.slice(0, max), `… (${lines.length - max} more lines)`].join("\n")
    : lines.join("\n");
}

/** The failures tests/support/failure-reporter.ts wrote for a vitest tier (none if it wrote nothing). */
export function readFailures(file: string): Failure[] {
  try {
    const parsed: unknown = JSON.parse(fs.readFileSync(file, "utf8"));
    return Array.isArray(parsed)
      ? (parsed as Failure[]).map((f) => ({ ...f, message: firstLines(f.message) }))
      : [];
  } catch {
    return [];
  }
}

interface PlaywrightSuite {
  title?: string;
  file?: string;
  specs?: Array<{
    title?: string;
    file?: string;
    line?: number;
    tests?: Array<{
      status?: string;
      results?: Array<{ status?: string; error?: { message?: string } }>;
    }>;
  }>;
  suites?: PlaywrightSuite[];
}

interface PlaywrightReport {
  suites?: PlaywrightSuite[];
  errors?: Array<{ message?: string }>;
}

export function playwrightFailures(tier: string, report: unknown): Failure[] {
  const failures: Failure[] = [];
  const walk = (suite: PlaywrightSuite) => {
    for (const spec of suite.specs ?? [])
      for (const test of spec.tests ?? []) {
        if (test.status !== "unexpected" && test.status !== "flaky") continue;
        const error = (test.results ?? []).find((r) => r.error?.message)?.error?.message;
        failures.push({
          tier,
          where: `${spec.file ?? suite.file ?? "?"}:${spec.line ?? "?"} › ${spec.title ?? "?"}${test.status === "flaky" ? " (flaky: failed, then passed on retry)" : ""}`,
          message: firstLines(error ?? "(no message)"),
        });
      }
    for (const child of suite.suites ?? []) walk(child);
  };
  const parsed = report as PlaywrightReport | null;
  for (const suite of parsed?.suites ?? []) walk(suite);
  for (const error of parsed?.errors ?? [])
    failures.push({ tier, where: "(the run itself)", message: firstLines(error.message ?? "?") });
  return failures;
}

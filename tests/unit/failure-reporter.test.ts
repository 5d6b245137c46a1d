// tests/run.ts repeats every failure at the end of `npm test`'s output from what
// tests/support/failure-reporter.ts wrote. A setup that throws must be among them: vitest's own JSON
// report counts its tests as merely skipped, which once left a CI log saying "0 failed, 127 skipped".
import { spawnSync } from "node:child_process";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { expect, it } from "vitest";
import { firstLines, readFailures } from "@/tests/support/report-failures";

const ROOT = path.resolve(import.meta.dirname, "../..");

it("reports failed assertions and setups that threw, each with its file and the error", () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "gatehouse-failures-"));
  const file = path.join(dir, "failures.json");
  try {
    const result = spawnSync(
      path.join(ROOT, "node_modules", ".bin", "vitest"),
      [
        "run",
        "--config",
        path.join(ROOT, "tests/fixtures/failing-suite/vitest.config.mts"),
        "--reporter=dot",
        `--reporter=${path.join(ROOT, "tests/support/failure-reporter.ts")}`,
      ],
      {
        cwd: ROOT,
        env: { ...process.env, GATEHOUSE_FAILURES_FILE: file, GATEHOUSE_TIER: "fixture" },
        encoding: "utf8",
      },
    );
    expect(result.status).toBe(1);
    const failures = readFailures(file)
      .map((f) => ({ tier: f.tier, where: f.where, first: f.message.split("\n")[0] }))
      .sort((a, b) => a.where.localeCompare(b.where));
    expect(failures).toEqual([
      {
        tier: "fixture",
        where: "file-setup-throws.check.ts (the file itself)",
        first: "Error: the stack did not start",
      },
      {
        tier: "fixture",
        where: "setup-throws.check.ts › a suite whose setup throws",
        first: "Error: listen EADDRINUSE: address already in use 127.0.0.1:4242",
      },
      {
        tier: "fixture",
        where: "setup-throws.check.ts › an assertion that fails",
        first: "AssertionError: expected 2 to be 3 // Object.is equality",
      },
    ]);
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
}, 30_000);

it("keeps the first lines of a long message and says how many were left out", () => {
  const message = Array.from({ length: 30 }, (_, i) => `\x1b[31mline ${i + 1}\x1b[39m`).join("\n");
  expect(firstLines(message, 3)).toBe("line 1\nline 2\nline 3\n… (27 more lines)");
});

it("reads no failures from a file that is missing or not a list", () => {
  expect(readFailures("/nonexistent/failures.json")).toEqual([]);
});

it("leaves out the stack frames of libraries and Node itself, keeping the project's own", () => {
  const message = [
    "Error: boom",
    "    at /work/main/tests/integration/x.test.ts:3:9",
    "    at file:///work/main/node_modules/@vitest/runner/dist/chunk-artifact.js:302:11",
    "    at new Promise (<anonymous>)",
    "    at process.processTicksAndRejections (node:internal/process/task_queues:95:5)",
  ].join("\n");
  expect(firstLines(message)).toBe(
    "Error: boom\n    at /work/main/tests/integration/x.test.ts:3:9",
  );
});

// A vitest reporter that writes every failure — failed tests, and errors of a file or suite
// (a beforeAll that threw leaves its tests merely "skipped" in vitest's JSON report) — to the
// JSON file named by GATEHOUSE_FAILURES_FILE, for tests/run.ts to repeat at the end of its output.
import fs from "node:fs";
import type { Reporter, TestModule } from "vitest/node";
import type { Failure } from "./report-failures";

interface SerializedErrorLike {
  message?: string;
  stack?: string;
  name?: string;
}

function describeError(error: SerializedErrorLike): string {
  return error.stack || `${error.name ?? "Error"}: ${error.message ?? "(no message)"}`;
}

export default class FailureReporter implements Reporter {
  onTestRunEnd(
    testModules: ReadonlyArray<TestModule>,
    unhandledErrors: ReadonlyArray<SerializedErrorLike>,
  ): void {
    const file = process.env.GATEHOUSE_FAILURES_FILE;
    if (!file) return;
    const tier = process.env.GATEHOUSE_TIER ?? "vitest";
    const failures: Failure[] = [];
    for (const testModule of testModules) {
      const name = testModule.relativeModuleId;
      for (const error of testModule.errors())
        failures.push({ tier, where: `${name} (the file itself)`, message: describeError(error) });
      for (const suite of testModule.children.allSuites())
        for (const error of suite.errors())
          failures.push({
            tier,
            where: `${name} › ${suite.fullName}`,
            message: describeError(error),
          });
      for (const test of testModule.children.allTests("failed"))
        for (const error of test.result().errors ?? [])
          failures.push({
            tier,
            where: `${name} › ${test.fullName}`,
            message: describeError(error),
          });
    }
    for (const error of unhandledErrors)
      failures.push({ tier, where: "(an error outside any test)", message: describeError(error) });
    fs.writeFileSync(file, JSON.stringify(failures));
  }
}

// `npm test`: the whole suite, tier by tier — unit (while the portal builds, when sources changed:
// integration and e2e tests run the production build), then integration on SQLite and on
// PostgreSQL side by side (each file waits mostly on its own servers, so the two tiers share the
// machine well), then end-to-end in Chromium — and one closing line with the totals.
import { spawn, spawnSync } from "node:child_process";
import fs from "node:fs";
import path from "node:path";
import readline from "node:readline";
import { buildPortal, isBuildStale, ROOT } from "../dev/local-stack";
import { playwrightFailures, readFailures, type Failure } from "./support/report-failures";
import { busyShare, machineCpuTimes } from "./support/machine-busy";
import { findSecretsInLogs } from "./support/secrets-in-logs";

interface TierResult {
  name: string;
  passed: number;
  failed: number;
  skipped: number;
  seconds: number;
  exitCode: number;
  failures: Failure[];
  /** How busy the machine's cores were while this tier ran (0–1), where /proc/stat tells. */
  machineBusy?: number | null;
}

/** Runs a stretch of the suite and marks its tiers with how busy the machine was meanwhile. */
async function measuringMachine(tiers: () => Promise<TierResult[]>): Promise<TierResult[]> {
  const before = machineCpuTimes();
  const results = await tiers();
  const busy = busyShare(before, machineCpuTimes());
  return results.map((r) => ({ ...r, machineBusy: busy }));
}

const REPORT_DIR = path.join(ROOT, ".tmp", "reports");
/** Every portal's output in this run, and the secrets the run saw issued (secretsInLogsTier). */
const LOG_DIR = path.join(ROOT, ".tmp", "run-logs");
const SECRET_LEDGER = path.join(LOG_DIR, "issued-secrets.tsv");
const only = process.argv.slice(2);

function run(command: string, args: string[], env: Record<string, string>): number {
  const result = spawnSync(command, args, {
    cwd: ROOT,
    stdio: "inherit",
    env: { ...process.env, NEXT_TELEMETRY_DISABLED: "1", ...env },
  });
  return result.status ?? 1;
}

/** Like run(), concurrently: every output line is prefixed with the tier's name. */
function runPrefixed(
  name: string,
  command: string,
  args: string[],
  env: Record<string, string>,
): Promise<number> {
  return new Promise((resolve) => {
    const child = spawn(command, args, {
      cwd: ROOT,
      stdio: ["ignore", "pipe", "pipe"],
      env: { ...process.env, NEXT_TELEMETRY_DISABLED: "1", ...env },
    });
    for (const stream of [child.stdout, child.stderr])
      readline
        .createInterface({ input: stream })
        .on("line", (line) => process.stdout.write(`[${name}] ${line}\n`));
    child.on("error", () => resolve(1));
    child.on("close", (code) => resolve(code ?? 1));
  });
}

async function vitestTier(
  name: string,
  project: string,
  env: Record<string, string> = {},
  opts: { concurrent?: boolean } = {},
): Promise<TierResult> {
  const report = path.join(REPORT_DIR, `${name}.json`);
  const failuresFile = path.join(REPORT_DIR, `${name}.failures.json`);
  const started = Date.now();
  const command = path.join(ROOT, "node_modules", ".bin", "vitest");
  const args = [
    "run",
    "--project",
    project,
    "--reporter=default",
    "--reporter=json",
    `--outputFile.json=${report}`,
    `--reporter=${path.join(ROOT, "tests", "support", "failure-reporter.ts")}`,
  ];
  const tierEnv = { ...env, GATEHOUSE_FAILURES_FILE: failuresFile, GATEHOUSE_TIER: name };
  const exitCode = opts.concurrent
    ? await runPrefixed(name, command, args, tierEnv)
    : run(command, args, tierEnv);
  const json = readJson(report) as {
    numPassedTests?: number;
    numFailedTests?: number;
    numPendingTests?: number;
    numTodoTests?: number;
  } | null;
  const failures = readFailures(failuresFile);
  return {
    name,
    passed: json?.numPassedTests ?? 0,
    // A setup that threw fails no test in vitest's count (they are "skipped"); it counts here.
    failed: json ? Math.max(json.numFailedTests ?? 0, failures.length) : 1,
    skipped: (json?.numPendingTests ?? 0) + (json?.numTodoTests ?? 0),
    seconds: (Date.now() - started) / 1000,
    exitCode,
    failures,
  };
}

function playwrightTier(name: string, env: Record<string, string> = {}): TierResult {
  const report = path.join(REPORT_DIR, `${name}.json`);
  const started = Date.now();
  const exitCode = run(
    path.join(ROOT, "node_modules", ".bin", "playwright"),
    ["test", "--reporter=list,json"],
    {
      PLAYWRIGHT_JSON_OUTPUT_NAME: report,
      NODE_OPTIONS: [process.env.NODE_OPTIONS, "--conditions=react-server"]
        .filter(Boolean)
        .join(" "),
      ...env,
    },
  );
  const raw = readJson(report);
  const json = raw as {
    stats?: { expected?: number; unexpected?: number; flaky?: number; skipped?: number };
  } | null;
  return {
    name,
    passed: json?.stats?.expected ?? 0,
    failed: json ? (json.stats?.unexpected ?? 0) + (json.stats?.flaky ?? 0) : 1,
    skipped: json?.stats?.skipped ?? 0,
    seconds: (Date.now() - started) / 1000,
    exitCode,
    failures: playwrightFailures(name, raw),
  };
}

/**
 * "No secret is ever logged", over the whole run: none of the secrets the run saw issued appears in
 * any portal's output (tests/support/secrets-in-logs.ts). One check, counted as one test.
 */
function secretsInLogsTier(): TierResult {
  const started = Date.now();
  const report = findSecretsInLogs(SECRET_LEDGER, LOG_DIR);
  const megabytes = (report.logBytes / 1e6).toFixed(1);
  console.log(
    `\n▶ secrets in logs: ${report.secrets} secrets issued, ${report.logFiles} portal logs (${megabytes} MB), ${report.leaks.length} leaks`,
  );
  const empty = report.secrets === 0 || report.logFiles === 0;
  const failures: Failure[] = [
    ...report.leaks.map((leak) => ({
      tier: "secrets-in-logs",
      where: leak.file,
      message: `a ${leak.kind} issued during the run appears in this portal's log (${path.join(LOG_DIR, leak.file)})`,
    })),
    ...(empty
      ? [
          {
            tier: "secrets-in-logs",
            where: LOG_DIR,
            message: "nothing to check: no secrets or no logs were recorded",
          },
        ]
      : []),
  ];
  return {
    name: "secrets-in-logs",
    passed: failures.length === 0 ? 1 : 0,
    failed: failures.length > 0 ? 1 : 0,
    skipped: 0,
    seconds: (Date.now() - started) / 1000,
    exitCode: failures.length > 0 ? 1 : 0,
    failures,
  };
}

function readJson(file: string): unknown {
  try {
    return JSON.parse(fs.readFileSync(file, "utf8"));
  } catch {
    return null;
  }
}

async function main(): Promise<void> {
  fs.rmSync(REPORT_DIR, { recursive: true, force: true });
  fs.mkdirSync(REPORT_DIR, { recursive: true });
  fs.rmSync(LOG_DIR, { recursive: true, force: true });
  fs.mkdirSync(LOG_DIR, { recursive: true });
  process.env.GATEHOUSE_TEST_LOG_DIR = LOG_DIR;
  process.env.GATEHOUSE_TEST_SECRET_LEDGER = SECRET_LEDGER;
  const started = Date.now();
  const wants = (tier: string) => only.length === 0 || only.includes(tier);
  const results: TierResult[] = [];

  // The unit tier needs no build: it runs while the portal builds (the build leaves a core idle
  // for much of its time), and its output is prefixed so the two don't interleave unreadably.
  const build =
    (wants("integration") || wants("e2e")) && isBuildStale()
      ? (console.log("\n▶ building the portal (next build) while the unit tier runs"),
        buildPortal({ quiet: true }).then(
          () => null,
          (error: unknown) => (error instanceof Error ? error : new Error(String(error))),
        ))
      : null;
  // The gatehouse CLI the integration and e2e tiers run: compiled JavaScript (esbuild, ~0.2 s).
  if (
    (wants("integration") || wants("e2e")) &&
    run(process.execPath, ["dev/build-cli.mjs"], {}) !== 0
  )
    throw new Error("building the gatehouse CLI failed (node dev/build-cli.mjs)");
  if (wants("unit"))
    results.push(
      ...(await measuringMachine(async () => [
        await vitestTier("unit", "unit", {}, { concurrent: build !== null }),
      ])),
    );
  const buildFailure = await build;
  if (buildFailure) throw buildFailure;
  if (wants("integration")) {
    const concurrent = { concurrent: true };
    results.push(
      ...(await measuringMachine(() =>
        Promise.all([
          vitestTier(
            "integration-sqlite",
            "integration",
            { GATEHOUSE_TEST_DATABASE: "sqlite" },
            concurrent,
          ),
          vitestTier(
            "integration-postgresql",
            "integration",
            { GATEHOUSE_TEST_DATABASE: "postgresql" },
            concurrent,
          ),
        ]),
      )),
    );
  }
  if (wants("e2e"))
    results.push(
      ...(await measuringMachine(() =>
        Promise.resolve([playwrightTier("e2e-chromium", { GATEHOUSE_TEST_DATABASE: "sqlite" })]),
      )),
    );
  if (wants("integration") || wants("e2e")) results.push(secretsInLogsTier());

  const total = results.reduce(
    (t, r) => ({
      passed: t.passed + r.passed,
      failed: t.failed + r.failed,
      skipped: t.skipped + r.skipped,
    }),
    {
      passed: 0,
      failed: 0,
      skipped: 0,
    },
  );
  const failures = results.flatMap((r) => r.failures);
  if (failures.length > 0) {
    console.log(`\nWhat failed (${failures.length}; the full output is above)`);
    for (const f of failures.slice(0, 20))
      console.log(`\n✗ [${f.tier}] ${f.where}\n${f.message.replace(/^/gm, "    ")}`);
    if (failures.length > 20) console.log(`\n… and ${failures.length - 20} more`);
  }
  console.log("\nGatehouse test summary");
  for (const r of results) {
    const status = r.exitCode === 0 && r.failed === 0 ? "ok  " : "FAIL";
    console.log(
      `  ${status} ${r.name.padEnd(24)} ${String(r.passed).padStart(4)} passed ${String(r.failed).padStart(3)} failed ${String(r.skipped).padStart(3)} skipped  ${r.seconds.toFixed(1)} s` +
        (typeof r.machineBusy === "number"
          ? `  (machine ${Math.round(r.machineBusy * 100)} % busy)`
          : ""),
    );
  }
  console.log(`  total time ${((Date.now() - started) / 1000).toFixed(1)} s`);
  const anyTierFailed = results.some((r) => r.exitCode !== 0);
  const failed = total.failed + (anyTierFailed && total.failed === 0 ? 1 : 0);
  console.log(
    `${total.passed} passed, ${failed} failed${total.skipped ? `, ${total.skipped} skipped` : ""}`,
  );
  process.exit(failed > 0 || results.length === 0 ? 1 : 0);
}

main().catch((error: unknown) => {
  console.error(error instanceof Error ? error.message : error);
  console.log("0 passed, 1 failed");
  process.exit(1);
});

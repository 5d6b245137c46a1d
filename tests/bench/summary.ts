// `npm run bench`: every production figure next to its same-run baseline and its target (see
// docs/BENCHMARKS.md). Runs the benchmark scripts one after another, each in its own process, at
// sizes that keep the whole to a few minutes, and prints one table. Each script can also be run
// alone for its full output (`npm run bench:start`, `bench:saml`, `bench:load`, `bench:accounts`,
// `bench:overload`).
// Not a test: it exits 0 whether or not targets are met.
import { spawnSync } from "node:child_process";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { ROOT } from "@/dev/local-stack";
import { targetMet, type Figure } from "./figures";

const RUNS: Array<{ script: string; env: Record<string, string> }> = [
  { script: "cold-start.ts", env: { BENCH_STARTS: "3" } },
  { script: "saml-verify.ts", env: { BENCH_ROUNDS: "500" } },
  {
    script: "issuance-load.ts",
    env: {
      GATEHOUSE_TEST_DATABASE: "sqlite",
      BENCH_CONCURRENCY: "50",
      BENCH_REQUESTS: "1500",
      BENCH_PROCESSES: "2",
    },
  },
  {
    script: "issuance-load.ts",
    env: {
      GATEHOUSE_TEST_DATABASE: "postgresql",
      BENCH_CONCURRENCY: "50",
      BENCH_REQUESTS: "1500",
      BENCH_PROCESSES: "2",
    },
  },
  { script: "accounts-page.ts", env: { BENCH_ROUNDS: "30", BENCH_BROWSER_LOADS: "5" } },
  { script: "overload.ts", env: { BENCH_CLIENTS: "200", BENCH_SECONDS: "30" } },
];

function format(value: number, unit: Figure["unit"]): string {
  const digits = (unit === "ms" && value < 100) || unit === "s" ? 1 : 0;
  return `${value.toLocaleString("en-US", { maximumFractionDigits: digits, minimumFractionDigits: digits })} ${unit === "/s" ? "/s" : unit}`;
}

function main(): void {
  const file = path.join(
    fs.mkdtempSync(path.join(os.tmpdir(), "gatehouse-bench-")),
    "figures.jsonl",
  );
  for (const run of RUNS) {
    const label = `${run.script} ${Object.entries(run.env)
      .map(([k, v]) => `${k}=${v}`)
      .join(" ")}`;
    process.stdout.write(`running ${label} … `);
    const started = Date.now();
    const result = spawnSync(
      "npx",
      [
        "tsx",
        "--conditions=react-server",
        "--tsconfig",
        "tsconfig.json",
        path.join("tests", "bench", run.script),
      ],
      {
        cwd: ROOT,
        env: { ...process.env, ...run.env, BENCH_FIGURES_FILE: file },
        encoding: "utf8",
        maxBuffer: 64 * 1024 * 1024,
      },
    );
    console.log(result.status === 0 ? `${((Date.now() - started) / 1000).toFixed(0)} s` : "FAILED");
    if (result.status !== 0) console.log(`${result.stdout}\n${result.stderr}`.slice(-4000));
  }
  const figures = fs
    .readFileSync(file, "utf8")
    .split("\n")
    .filter(Boolean)
    .map((line) => JSON.parse(line) as Figure);
  const rows = figures.map((f) => {
    const met = targetMet(f);
    return [
      f.name,
      format(f.value, f.unit),
      f.baseline ? `${format(f.baseline.value, f.unit)} (${f.baseline.name})` : "",
      f.target
        ? `${"atMost" in f.target ? "≤" : "≥"} ${format("atMost" in f.target ? f.target.atMost : f.target.atLeast, f.unit)}`
        : "",
      f.inconclusive ? "unclear" : met === null ? "" : met ? "met" : "NOT met",
    ];
  });
  const unclear = figures.filter((f) => f.inconclusive);
  const header = ["figure", "now", "baseline, same run", "target", ""];
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i]!.length)));
  const line = (cells: string[]) => cells.map((c, i) => c.padEnd(widths[i]!)).join("  ");
  console.log(`\n${line(header)}\n${widths.map((w) => "─".repeat(w)).join("  ")}`);
  for (const r of rows) console.log(line(r));
  for (const f of unclear) console.log(`\nunclear: ${f.name}: ${f.inconclusive}`);
  console.log(
    `\n${os.cpus().length} CPUs, ${(os.totalmem() / 2 ** 30).toFixed(0)} GB, Node ${process.version}`,
  );
}

main();

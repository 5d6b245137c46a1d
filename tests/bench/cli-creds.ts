// `npm run bench:cli -- <account>/<role>`: how long `gatehouse creds` takes as a credential_process,
// cold (the cache emptied before each run: a portal round trip, an STS call, two audit events) and
// warm (a cache hit), next to `node -e ''` (Node's own start) and `gatehouse --version` (the CLI's
// start without a command), each a child process timed around spawnSync. Needs a portal and a
// signed-in GATEHOUSE_HOME: GATEHOUSE_URL=… GATEHOUSE_HOME=… (docs/CLI.md "Benchmark"). The role
// may also come from BENCH_ROLE; BENCH_ROUNDS (default 50) sets the runs per case. Prints numbers
// (never the credentials); not a test.
import { spawnSync } from "node:child_process";
import fs from "node:fs";
import path from "node:path";
import { cacheDir } from "@/cli/gatehouse/credential-cache";
import { median } from "./stats";

const ROUNDS = Number(process.env.BENCH_ROUNDS || 50);
const CLI = path.resolve(import.meta.dirname, "../../cli/dist/gatehouse.mjs");

function fail(message: string): never {
  process.stderr.write(`bench:cli: ${message}\n`);
  process.exit(2);
}

const role = process.argv[2] ?? process.env.BENCH_ROLE;
const portal = process.env.GATEHOUSE_URL;
const home = process.env.GATEHOUSE_HOME;
if (!role || !portal || !home) {
  fail(
    "usage: GATEHOUSE_URL=<portal> GATEHOUSE_HOME=<signed-in home> npm run bench:cli -- <account>/<role>",
  );
}
if (!fs.existsSync(CLI)) fail(`${CLI} is missing: run npm run build:cli`);

/** Wall-clock milliseconds of one child process, which must exit 0. */
function timeOnce(args: string[]): number {
  const started = process.hrtime.bigint();
  const run = spawnSync(process.execPath, args, {
    env: process.env,
    stdio: ["ignore", "pipe", "pipe"],
  });
  const elapsed = Number(process.hrtime.bigint() - started) / 1e6;
  if (run.status !== 0) {
    fail(`node ${args.join(" ")} exited ${run.status}: ${run.stderr.toString().trim()}`);
  }
  return elapsed;
}

const creds = [CLI, "creds", role, "--portal", portal];
const cases: Array<{ name: string; args: string[]; before?: () => void }> = [
  { name: "node -e ''", args: ["-e", ""] },
  { name: "gatehouse --version", args: [CLI, "--version"] },
  { name: "gatehouse creds, warm (cache hit)", args: creds },
  {
    name: "gatehouse creds, cold (portal round trip)",
    args: creds,
    before: () => fs.rmSync(cacheDir(home), { recursive: true, force: true }),
  },
];

// One run each first: page the files in, start the portal's route, fill the cache for "warm".
for (const c of cases) timeOnce(c.args);

// Interleaved rounds, so a busy moment on the machine hits every case alike.
const samples = new Map(cases.map((c) => [c.name, [] as number[]]));
for (let round = 0; round < ROUNDS; round += 1) {
  for (const c of cases) {
    c.before?.();
    samples.get(c.name)?.push(timeOnce(c.args));
  }
}

const baseline = median(samples.get("node -e ''") ?? []);
process.stdout.write(
  `gatehouse creds ${role} against ${portal}, median of ${ROUNDS} runs each\n\n`,
);
for (const c of cases) {
  const value = median(samples.get(c.name) ?? []);
  const extra = value - baseline;
  process.stdout.write(
    `${c.name.padEnd(44)}${value.toFixed(1).padStart(8)} ms   ${(value / baseline).toFixed(2)}× node   ${extra >= 0 ? "+" : ""}${extra.toFixed(1)} ms\n`,
  );
}

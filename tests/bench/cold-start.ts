// `npm run bench:start`: how long `npm start` takes to answer, on a database that is already
// migrated and seeded (what a replica restart or a scale-out finds), next to a bare Node HTTP
// server started the same way in the same run. For each database it prints the time to the first
// 200 of GET /api/health (listening) and of GET /api/ready (schema current, database writable,
// broker identity known), median of BENCH_STARTS runs, and what the schema engine costs with nothing
// to apply (which every start used to run). Not a test: numbers, not assertions.
import { execFileSync, spawn, type ChildProcess } from "node:child_process";
import { ROOT } from "@/dev/local-stack";
import { freePort } from "@/dev/ports";
import { startTestStack, type TestDatabase } from "../support/stack";
import { recordFigures } from "./figures";
import { median } from "./stats";

const STARTS = Number(process.env.BENCH_STARTS || 3);
const DATABASES = (process.env.BENCH_DATABASES || "sqlite,postgresql").split(",") as TestDatabase[];

/** Polls `url` every 10 ms until it answers 200; the time since `started`, in ms. */
async function firstOk(url: string, started: number, child: ChildProcess): Promise<number> {
  for (;;) {
    if (child.exitCode !== null) throw new Error(`${url}: the process exited (${child.exitCode})`);
    try {
      const res = await fetch(url);
      await res.arrayBuffer();
      if (res.ok) return performance.now() - started;
    } catch {
      // not listening yet
    }
    if (performance.now() - started > 120_000) throw new Error(`${url}: no 200 within 120 s`);
    await new Promise((r) => setTimeout(r, 10));
  }
}

function stopped(child: ChildProcess): Promise<void> {
  return new Promise((resolve) => {
    if (child.exitCode !== null || child.signalCode !== null) return resolve();
    child.once("exit", () => resolve());
    // npm passes the signal on to the server, which shuts down gracefully.
    child.kill("SIGTERM");
  });
}

async function bareNode(): Promise<number> {
  const port = await freePort();
  const started = performance.now();
  const child = spawn(
    process.execPath,
    ["-e", `require("node:http").createServer((q, s) => s.end("ok")).listen(${port}, "127.0.0.1")`],
    { stdio: "ignore" },
  );
  try {
    return await firstOk(`http://127.0.0.1:${port}/`, started, child);
  } finally {
    await stopped(child);
  }
}

/** The portal's settings and nothing else from this process's environment. */
function productionEnv(env: Record<string, string>): NodeJS.ProcessEnv {
  return {
    PATH: process.env.PATH ?? "",
    HOME: process.env.HOME ?? "",
    NODE_ENV: "production",
    ...env,
  };
}

async function npmStart(env: Record<string, string>): Promise<{ health: number; ready: number }> {
  const port = await freePort();
  const started = performance.now();
  const child = spawn("npm", ["start", "--silent"], {
    cwd: ROOT,
    env: { ...productionEnv(env), PORT: String(port), HOST: "127.0.0.1" },
    stdio: ["ignore", "ignore", "pipe"],
    detached: true,
  });
  let errors = "";
  child.stderr?.on("data", (d: Buffer) => (errors += d.toString()));
  try {
    const health = await firstOk(`http://127.0.0.1:${port}/api/health`, started, child);
    const ready = await firstOk(`http://127.0.0.1:${port}/api/ready`, started, child);
    return { health, ready };
  } catch (error) {
    throw new Error(`${error instanceof Error ? error.message : String(error)}\n${errors}`);
  } finally {
    const exited = stopped(child);
    try {
      process.kill(-child.pid!, "SIGTERM"); // npm and the server it started
    } catch {
      // already gone
    }
    await exited;
  }
}

/** `npm run db:migrate` with nothing to apply: what every start paid before it asked first. */
function schemaEngineMs(env: Record<string, string>): number {
  const started = performance.now();
  execFileSync("npm", ["run", "--silent", "db:migrate"], {
    cwd: ROOT,
    env: productionEnv(env),
    stdio: "ignore",
  });
  return performance.now() - started;
}

async function main(): Promise<void> {
  const bare: number[] = [];
  for (let i = 0; i < STARTS; i++) bare.push(await bareNode());
  console.log(`bare node http server, start to first 200: ${median(bare).toFixed(0)} ms`);
  for (const database of DATABASES) {
    const stack = await startTestStack({
      database,
      systemClock: true,
      extraEnv: { GATEHOUSE_LOG_LEVEL: "warn" },
    });
    try {
      // A restart: the stack's own portal stops first (SQLite serves one process at a time).
      await stack.portal.stop();
      // On SQLite the schema engine needs the file to itself (prisma/migrate.ts).
      await stack.db.$disconnect();
      const runs: Array<{ health: number; ready: number }> = [];
      for (let i = 0; i < STARTS; i++) runs.push(await npmStart(stack.portalEnv));
      const health = median(runs.map((r) => r.health));
      const ready = median(runs.map((r) => r.ready));
      const engine = median([0, 1, 2].map(() => schemaEngineMs(stack.portalEnv)));
      console.log(
        `${database.padEnd(10)} npm run db:migrate with nothing to apply (what each start used to run first): ${engine.toFixed(0)} ms`,
      );
      recordFigures([
        {
          name: `${database === "sqlite" ? "SQLite" : "PostgreSQL"}: npm start to /api/ready 200`,
          value: ready,
          unit: "ms",
          baseline: { name: "bare node HTTP server start", value: median(bare) },
          target: { atMost: 3000 },
        },
      ]);
      console.log(
        `${database.padEnd(10)} npm start to /api/health 200: ${health.toFixed(0)} ms, to /api/ready 200: ${ready.toFixed(0)} ms (${(ready / median(bare)).toFixed(0)}× bare node; target ≤ 3,000 ms)`,
      );
    } finally {
      await stack.stop();
    }
  }
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});

// Summarizes the newest CPU profile in .tmp/profiles (or the file given): self time by package
// or file, and the hottest functions. For profiles written by `BENCH_CPU_PROF=1 npm run bench:load`.
import fs from "node:fs";
import path from "node:path";

interface ProfileNode {
  id: number;
  callFrame: { functionName: string; url: string; lineNumber: number };
  children?: number[];
}
interface Profile {
  nodes: ProfileNode[];
  samples: number[];
  timeDeltas: number[];
}

function newestProfile(): string {
  const dir = path.join(process.cwd(), ".tmp", "profiles");
  const files = fs
    .readdirSync(dir)
    .filter((f) => f.endsWith(".cpuprofile"))
    .map((f) => path.join(dir, f))
    .sort((a, b) => fs.statSync(b).mtimeMs - fs.statSync(a).mtimeMs);
  if (!files[0]) throw new Error(`no .cpuprofile in ${dir}`);
  return files[0];
}

/** Where a frame's code lives: a package, a built chunk, Node itself, or the engine. */
function ownerOf(url: string, functionName: string): string {
  if (!url) return functionName.startsWith("(") ? functionName : "(native)";
  const pkg = /node_modules\/((?:@[^/]+\/)?[^/]+)/.exec(url)?.[1];
  if (pkg) return pkg;
  if (url.startsWith("node:")) return "node:" + url.slice(5).split("/")[0];
  if (url.includes("/.next/server/")) return `.next ${path.basename(url)}`;
  if (url.includes("/lib/generated/") || url.includes("/generated/"))
    return "prisma generated client";
  return path.relative(process.cwd(), url.replace(/^file:\/\//, ""));
}

const file = process.argv[2] ?? newestProfile();
const profile = JSON.parse(fs.readFileSync(file, "utf8")) as Profile;
const byId = new Map(profile.nodes.map((n) => [n.id, n]));
const selfUs = new Map<number, number>();
profile.samples.forEach((id, i) =>
  selfUs.set(id, (selfUs.get(id) ?? 0) + (profile.timeDeltas[i] ?? 0)),
);

const byOwner = new Map<string, number>();
const byFunction = new Map<string, number>();
let total = 0;
let idle = 0;
for (const [id, us] of selfUs) {
  const node = byId.get(id)!;
  const { functionName, url, lineNumber } = node.callFrame;
  if (functionName === "(idle)") {
    idle += us;
    continue;
  }
  total += us;
  const owner = ownerOf(url, functionName);
  byOwner.set(owner, (byOwner.get(owner) ?? 0) + us);
  const key = `${functionName || "(anonymous)"} ${owner}:${lineNumber + 1}`;
  byFunction.set(key, (byFunction.get(key) ?? 0) + us);
}

const top = (m: Map<string, number>, n: number) =>
  [...m.entries()].sort((a, b) => b[1] - a[1]).slice(0, n);
console.log(
  `${path.basename(file)}: ${(total / 1e6).toFixed(2)} s busy, ${(idle / 1e6).toFixed(2)} s idle`,
);
console.log("\nself time by owner");
for (const [owner, us] of top(byOwner, 25))
  console.log(`${((100 * us) / total).toFixed(1).padStart(6)} %  ${owner}`);
console.log("\nhottest functions");
for (const [fn, us] of top(byFunction, 30))
  console.log(`${((100 * us) / total).toFixed(1).padStart(6)} %  ${fn}`);

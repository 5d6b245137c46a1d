// Runs an operator command written in TypeScript (npm run doctor, discover, audit:verify,
// saml:import, db:seed) as plain JavaScript: esbuild bundles the entry and the project files it
// imports into node_modules/.cache/gatehouse-commands/ (~0.2 s), and later runs reuse that bundle
// while none of those files has changed. Packages stay external, loaded from node_modules as
// usual. Through tsx's loader hooks the same command costs about a second more of CPU per run,
// every run (docs/OPERATIONS.md "Operator commands").
//
// Usage (package.json): node --conditions=react-server dev/run-compiled.mjs <entry.ts> [args…]
import { createHash } from "node:crypto";
import fs from "node:fs";
import { createRequire } from "node:module";
import os from "node:os";
import path from "node:path";

const root = path.resolve(import.meta.dirname, "..");
const [entryArg, ...args] = process.argv.slice(2);
if (!entryArg) {
  console.error("usage: node dev/run-compiled.mjs <entry.ts> [args…]");
  process.exit(2);
}
const entry = path.resolve(root, entryArg);
const cacheDir = writableCacheDir();
const name = `${path.basename(entry, ".ts")}-${createHash("sha256").update(entry).digest("hex").slice(0, 8)}`;
const bundle = path.join(cacheDir, `${name}.cjs`);
const manifest = path.join(cacheDir, `${name}.inputs.json`);

/** node_modules/.cache, or the temporary directory where node_modules is read-only (a container). */
function writableCacheDir() {
  const candidates = [
    path.join(root, "node_modules", ".cache", "gatehouse-commands"),
    path.join(os.tmpdir(), `gatehouse-commands-${process.getuid?.() ?? "user"}`),
  ];
  for (const dir of candidates) {
    try {
      fs.mkdirSync(dir, { recursive: true });
      fs.accessSync(dir, fs.constants.W_OK);
      return dir;
    } catch {
      // not writable here: try the next place
    }
  }
  throw new Error(`nowhere to keep compiled commands (tried ${candidates.join(", ")})`);
}

/** A file's identity for "has it changed": size and modification time. */
function stamp(file) {
  try {
    const stat = fs.statSync(file);
    return `${stat.size}:${stat.mtimeMs}`;
  } catch {
    return "missing";
  }
}

function isFresh() {
  try {
    const inputs = JSON.parse(fs.readFileSync(manifest, "utf8"));
    return (
      fs.existsSync(bundle) &&
      Object.entries(inputs).every(([file, recorded]) => stamp(file) === recorded)
    );
  } catch {
    return false;
  }
}

async function compile() {
  // Loaded only when a bundle is (re)built: a run with a fresh bundle needs no esbuild.
  const { build } = await import("esbuild");
  const result = await build({
    entryPoints: [entry],
    bundle: true,
    platform: "node",
    target: "node20",
    format: "cjs",
    packages: "external",
    tsconfig: path.join(root, "tsconfig.json"),
    metafile: true,
    write: false,
    logLevel: "warning",
  });
  const inputs = Object.fromEntries(
    [
      ...Object.keys(result.metafile.inputs).map((f) => path.resolve(root, f)),
      path.join(root, "tsconfig.json"),
    ].map((file) => [file, stamp(file)]),
  );
  // Written aside and renamed: two commands compiling at once each leave a whole file.
  const suffix = `.${process.pid}.tmp`;
  fs.writeFileSync(bundle + suffix, result.outputFiles[0].contents);
  fs.writeFileSync(manifest + suffix, JSON.stringify(inputs));
  fs.renameSync(bundle + suffix, bundle);
  fs.renameSync(manifest + suffix, manifest);
}

// esbuild is always installed: tsx, a runtime dependency, depends on it.
if (!isFresh()) await compile();
// The command reads its arguments from process.argv.slice(2), as when run directly.
process.argv = [process.argv[0], entry, ...args];
const require = createRequire(import.meta.url);
// The project's .env files, read as `npm start` reads them (docs/OPERATIONS.md "Settings"): a
// command acts on the database and IdPs the portal uses. The environment wins over the files.
require("@next/env").loadEnvConfig(root, false, { info: () => undefined, error: console.error });
require(bundle);

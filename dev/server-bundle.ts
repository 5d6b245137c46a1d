// Compiles server.ts (and the few lib/ modules it imports) into one plain JavaScript file next to
// the Next.js build, so production and the test stacks start the server with `node` alone: no
// TypeScript loader at run time, which cost about two seconds of every start.
// `npm run build` runs it after `next build`; `buildPortal` (dev/local-stack.ts) does the same.
import fs from "node:fs";
import path from "node:path";
import { build } from "esbuild";

const ROOT = path.resolve(__dirname, "..");

/** Where the compiled server lives (inside .next/, so it is rebuilt and ignored with the rest). */
export const SERVER_BUNDLE = path.join(ROOT, ".next", "gatehouse-server.js");

export async function bundleServer(): Promise<void> {
  // A new build starts with an empty compile cache (lib/runtime/compile-cache.ts): entries for the
  // previous build's files would only take up space.
  fs.rmSync(path.join(ROOT, ".next", "cache", "node-compile-cache"), {
    recursive: true,
    force: true,
  });
  await build({
    entryPoints: [path.join(ROOT, "server.ts")],
    outfile: SERVER_BUNDLE,
    bundle: true,
    platform: "node",
    target: "node20",
    format: "cjs",
    // next, zod and the rest are loaded from node_modules at run time, as under the loader.
    packages: "external",
    tsconfig: path.join(ROOT, "tsconfig.json"),
    logLevel: "warning",
  });
}

if (require.main === module) {
  bundleServer().catch((error: unknown) => {
    console.error(error instanceof Error ? error.message : error);
    process.exit(1);
  });
}

// Imported first by server.ts, so that it runs before Next.js and the rest are loaded: on Node.js 22
// it turns on Node's on-disk cache of compiled JavaScript (module.enableCompileCache), which takes
// about 15 % off a start's CPU once a first start has filled it (docs/OPERATIONS.md "Start-up").
// Node.js 20 has no such cache; there this does nothing.
import nodeModule from "node:module";
import path from "node:path";

type EnableCompileCache = (directory?: string) => { status: number; message?: string };

/**
 * The cache lives in the build's own directory (.next/cache/), written by the user that runs the
 * portal, not in the shared temporary directory where another local user could plant entries.
 * Node's own settings win: NODE_COMPILE_CACHE=<dir> moves it, NODE_DISABLE_COMPILE_CACHE=1 turns it
 * off. A directory that can't be written (a read-only image) only means no cache.
 */
function enableCompileCache(buildDir: string): void {
  // Typed here: Node.js 20's types don't have it.
  const enable = (nodeModule as { enableCompileCache?: EnableCompileCache }).enableCompileCache;
  if (typeof enable !== "function") return;
  if (process.env.NODE_COMPILE_CACHE || process.env.NODE_DISABLE_COMPILE_CACHE) return;
  try {
    enable(path.join(buildDir, "cache", "node-compile-cache"));
  } catch {
    // A cache is an optimisation: never a reason not to start.
  }
}

// Only the compiled server (.next/gatehouse-server.js, where this module is bundled) has a build
// directory beside it.
if (path.basename(__dirname) === ".next") enableCompileCache(__dirname);

// Builds the `gatehouse` CLI (docs/CLI.md): cli/gatehouse/*.ts → cli/dist/gatehouse.mjs plus one
// chunk per command, plain ESM for Node 20, so `npx gatehouse` needs no TypeScript loader.
// Packages in node_modules stay external (they are installed next to it); the commands import
// the heavy ones (openid-client, @aws-sdk/*) only when they run. Runs from `postinstall` and
// `npm run build:cli`.
import { chmod, readFile, rm } from "node:fs/promises";
import path from "node:path";

const root = path.resolve(import.meta.dirname, "..");
const outdir = path.join(root, "cli/dist");

let esbuild;
try {
  esbuild = await import("esbuild");
} catch (err) {
  // `npm install --omit=dev` (a portal-only deployment) has no esbuild: the portal must still
  // install, so postinstall skips the CLI; an explicit `npm run build:cli` fails.
  if (process.env.npm_lifecycle_event === "postinstall") {
    console.warn("gatehouse: esbuild is not installed; the gatehouse CLI was not built");
    process.exit(0);
  }
  throw err;
}

const pkg = JSON.parse(await readFile(path.join(root, "package.json"), "utf8"));

/** lib/ marks server code with `import "server-only"`, which throws outside React Server Components. */
const serverOnlyNoop = {
  name: "server-only-noop",
  setup(build) {
    build.onResolve({ filter: /^server-only$/ }, () => ({
      path: "server-only",
      namespace: "noop",
    }));
    build.onLoad({ filter: /.*/, namespace: "noop" }, () => ({ contents: "", loader: "js" }));
  },
};

await rm(outdir, { recursive: true, force: true });
await esbuild.build({
  absWorkingDir: root,
  entryPoints: { gatehouse: "cli/gatehouse/bin.ts" },
  outdir,
  outExtension: { ".js": ".mjs" },
  chunkNames: "chunks/[name]-[hash]",
  bundle: true,
  splitting: true,
  format: "esm",
  platform: "node",
  target: "node20",
  packages: "external",
  plugins: [serverOnlyNoop],
  define: { GATEHOUSE_CLI_VERSION: JSON.stringify(pkg.version) },
  banner: { js: "#!/usr/bin/env node" },
  legalComments: "none",
  logLevel: "warning",
});
await chmod(path.join(outdir, "gatehouse.mjs"), 0o755);

/**
 * `npm run check:cycles` (part of `npm run check`): no import cycle among the portal's own modules
 * (app/, components/, lib/), type-only imports included — a cycle means two modules can't be
 * understood, tested or moved apart — and no HTTP knowledge in the transport-neutral core. See
 * docs/ARCHITECTURE.md, "Module boundaries".
 * @type {import('dependency-cruiser').IConfiguration}
 */
module.exports = {
  forbidden: [
    {
      name: "no-circular",
      severity: "error",
      comment:
        "An import cycle: break it by moving the shared piece to the module that owns its subject.",
      from: { path: "^(app|components|lib)/" },
      to: { circular: true },
    },
    {
      name: "transport-neutral-core",
      severity: "error",
      comment:
        "AWS, audit, access and the error type know nothing of HTTP: only app/ and lib/http map them to requests and responses.",
      from: { path: "^lib/(aws|audit|access|errors\\.ts|request-meta\\.ts|rate-limit)" },
      to: { path: "^lib/http/" },
    },
  ],
  options: {
    doNotFollow: { path: "node_modules" },
    exclude: { path: "^(node_modules|\\.next|tests|dev)/" },
    tsPreCompilationDeps: true,
    tsConfig: { fileName: "tsconfig.json" },
    enhancedResolveOptions: {
      exportsFields: ["exports"],
      conditionNames: ["import", "require", "node", "default", "types"],
      extensions: [".ts", ".tsx", ".js", ".mjs", ".cjs", ".json"],
    },
  },
};

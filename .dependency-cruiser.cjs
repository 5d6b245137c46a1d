/**
 * `npm run check:cycles` (part of `npm run check`): no import cycle among the portal's own modules
 * (app/, components/, lib/), type-only imports included — a cycle means two modules can't be
 * understood, tested or moved apart. See docs/ARCHITECTURE.md, "Module boundaries".
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

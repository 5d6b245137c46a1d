import fs from "node:fs";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { DEFAULT_MAX_HEAP_MB } from "@/lib/config/schema";

const scripts = (
  JSON.parse(fs.readFileSync(path.join(__dirname, "..", "..", "package.json"), "utf8")) as {
    scripts: Record<string, string>;
  }
).scripts;

describe("npm start", () => {
  // exec: the shell npm runs the script in becomes the server, so the SIGTERM npm passes on (as a
  // container's first process) reaches the server, which drains, instead of a shell that dies and
  // leaves it behind (docs/OPERATIONS.md "Shutdown").
  it("runs the compiled server in place of npm's shell, under the heap limit GATEHOUSE_MAX_HEAP_MB names, by default the documented one", () => {
    expect(scripts.start).toBe(
      `exec node --max-old-space-size=\${GATEHOUSE_MAX_HEAP_MB:-${DEFAULT_MAX_HEAP_MB}} --conditions=react-server .next/gatehouse-server.js`,
    );
  });

  it("no longer runs the schema engine before the server (the server asks the database first)", () => {
    expect(scripts.start).not.toMatch(/migrate|tsx/);
  });
});

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
  it("runs the compiled server under the heap limit GATEHOUSE_MAX_HEAP_MB names, by default the documented one", () => {
    expect(scripts.start).toBe(
      `node --max-old-space-size=\${GATEHOUSE_MAX_HEAP_MB:-${DEFAULT_MAX_HEAP_MB}} --conditions=react-server .next/gatehouse-server.js`,
    );
  });

  it("no longer runs the schema engine before the server (the server asks the database first)", () => {
    expect(scripts.start).not.toMatch(/migrate|tsx/);
  });
});

import { spawnSync } from "node:child_process";
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
    expect(scripts.start).toMatch(
      new RegExp(
        `; exec node --max-old-space-size=\\$\\{GATEHOUSE_MAX_HEAP_MB:-${DEFAULT_MAX_HEAP_MB}\\} --conditions=react-server \\.next/gatehouse-server\\.js$`,
      ),
    );
  });

  // node itself would refuse the flag first ("bad option: --max-old-space-size=…", exit 9),
  // naming no setting; the server's own check never runs.
  it.each(["lots", "1e3", "512MB"])(
    "GATEHOUSE_MAX_HEAP_MB=%s stops it with exit code 78 naming the setting, before node starts",
    (value) => {
      const run = spawnSync("sh", ["-c", scripts.start!], {
        cwd: path.join(__dirname, "..", ".."),
        env: { PATH: process.env.PATH ?? "", NODE_ENV: "production", GATEHOUSE_MAX_HEAP_MB: value },
        encoding: "utf8",
      });
      expect(run.status).toBe(78);
      expect(run.stderr).toContain(
        `GATEHOUSE_MAX_HEAP_MB must be a whole number of megabytes, got "${value}"`,
      );
      expect(run.stderr).not.toContain("bad option");
    },
  );

  it("no longer runs the schema engine before the server (the server asks the database first)", () => {
    expect(scripts.start).not.toMatch(/migrate|tsx/);
  });
});

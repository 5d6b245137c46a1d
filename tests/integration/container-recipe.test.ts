// The README's container recipe, checked without a container engine: what its `npm prune` would
// remove from this checkout, and what its `COPY . .` would bring in.
import { execFileSync } from "node:child_process";
import fs from "node:fs";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { ROOT } from "@/dev/local-stack";

const readme = fs.readFileSync(path.join(ROOT, "README.md"), "utf8");
const dockerfile = /```dockerfile\n([\s\S]*?)```/.exec(readme)?.[1] ?? "";

/** The build stage's RUN line, split into its `&&`-joined commands. */
function buildCommands(): string[] {
  const run = /^RUN (.+)$/m.exec(dockerfile)?.[1] ?? "";
  return run.split("&&").map((command) => command.trim());
}

describe("the README's container recipe", () => {
  it("writes the generated Prisma clients again after npm prune removes them", () => {
    // npm does not know the clients `prisma generate` writes into node_modules: prune removes them.
    const dryRun = execFileSync("npm", ["prune", "--omit=dev", "--dry-run"], {
      cwd: ROOT,
      encoding: "utf8",
    });
    const removed = [...dryRun.matchAll(/^remove (\S+) /gm)].map((match) => match[1]!);
    const clients = fs
      .readdirSync(path.join(ROOT, "node_modules", "@gatehouse"))
      .map((name) => `@gatehouse/${name}`);
    expect(clients).toEqual(
      expect.arrayContaining(["@gatehouse/db-sqlite", "@gatehouse/db-postgresql"]),
    );
    expect(removed).toEqual(expect.arrayContaining(clients));

    const commands = buildCommands();
    const prune = commands.findIndex((command) => command.startsWith("npm prune"));
    expect(prune).toBeGreaterThan(-1);
    expect(commands.slice(prune + 1)).toContain("npm run db:generate");
  });

  it("copies no local database, .env file or host build into the image", () => {
    expect(dockerfile).toMatch(/^COPY \. \.$/m);
    const ignored = fs
      .readFileSync(path.join(ROOT, ".dockerignore"), "utf8")
      .split("\n")
      .map((line) => line.trim())
      .filter((line) => line !== "" && !line.startsWith("#"));
    for (const entry of ["data", ".env", ".env.*", "node_modules", ".next", ".git", ".tmp"])
      expect(ignored, entry).toContain(entry);
  });
});

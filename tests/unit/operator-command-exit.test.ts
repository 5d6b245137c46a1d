// How `npm run doctor` and `npm run discover` end (cli/exit-when-written.ts): their output reaches
// a reader that is slower than they are whole before the process exits, and each outcome has its
// documented exit code (docs/CLI.md "Exit codes", docs/AWS.md "Check a role", docs/DISCOVERY.md).
import { spawn } from "node:child_process";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";

import { DEMO_CLIENT_SECRET, localPortalEnv, ROOT } from "@/dev/local-stack";
import { operatorCommand } from "../support/operator-command";

let dir: string;
beforeAll(() => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), "gatehouse-operator-exit-"));
});
afterAll(() => {
  fs.rmSync(dir, { recursive: true, force: true });
});

/** Far more than a pipe holds (64 KiB on Linux), so most of it waits in the writer's own buffer. */
const BYTES = 8 * 1024 * 1024;

describe("an operator command's output reaches a slow reader whole before it exits", () => {
  it("8 MiB on stdout, read only after the command has asked to exit: every byte arrives, exit code kept", async () => {
    const writer = path.join(dir, "writer.ts");
    fs.writeFileSync(
      writer,
      `import { exitWhenWritten } from ${JSON.stringify(path.join(ROOT, "cli/exit-when-written.ts"))};
process.stdout.write("x".repeat(${BYTES}));
process.stderr.write("exiting\\n");
exitWhenWritten(3);
`,
    );
    const child = spawn(process.execPath, ["--import", "tsx", writer], {
      cwd: ROOT,
      stdio: ["ignore", "pipe", "pipe"],
    });
    // The slowest reader: nothing is read until the writer has written everything and asked to
    // exit. A writer that exits at once leaves all but what the pipe held unread.
    child.stdout.pause();
    let stderr = "";
    let received = 0;
    child.stderr.on("data", (d: Buffer) => {
      stderr += d.toString();
      if (stderr.includes("exiting\n")) {
        child.stdout.on("data", (chunk: Buffer) => (received += chunk.length));
        child.stdout.resume();
      }
    });
    const code = await new Promise<number | null>((resolve) => child.on("close", resolve));
    expect(stderr).toBe("exiting\n");
    expect(received).toBe(BYTES);
    expect(code).toBe(3);
  });

  it("neither command ends with a bare process.exit, which would drop unread output", () => {
    for (const file of ["cli/doctor.ts", "cli/discover.ts"]) {
      const source = fs.readFileSync(path.join(ROOT, file), "utf8");
      expect(source, file).toContain("exitWhenWritten(");
      expect(source, file).not.toMatch(/process\.exit\(/);
    }
  });
});

interface Run {
  code: number | null;
  stdout: string;
  stderr: string;
}

function runOperator(
  script: "doctor" | "discover",
  args: string[],
  env: Record<string, string>,
): Promise<Run> {
  const command = operatorCommand(script, args);
  const child = spawn(command.command, command.args, {
    cwd: ROOT,
    env: { NODE_ENV: "production", PATH: process.env.PATH ?? "", HOME: dir, ...env },
  });
  let stdout = "";
  let stderr = "";
  child.stdout.on("data", (d: Buffer) => (stdout += d.toString()));
  child.stderr.on("data", (d: Buffer) => (stderr += d.toString()));
  return new Promise((resolve) => child.on("close", (code) => resolve({ code, stdout, stderr })));
}

/** The portal's settings, with a database that cannot be opened: the first query fails. */
function settings(extra: Record<string, string> = {}): Record<string, string> {
  return localPortalEnv({
    portalUrl: "http://127.0.0.1:3999",
    databaseUrl: `file:${path.join(dir, "no-such-directory", "gatehouse.db")}`,
    oidcIssuer: "http://127.0.0.1:3998",
    stsEndpoint: "http://127.0.0.1:3997",
    federationEndpoint: "http://127.0.0.1:3997/federation",
    authSecret: DEMO_CLIENT_SECRET.padEnd(44, "x"),
    extra,
  });
}

describe("operator command exit codes: 1 only for a documented failure, 2 when it could not run", () => {
  it.each<[string, "doctor" | "discover", string[], () => Record<string, string>, number, RegExp]>([
    [
      "doctor without a role (usage): exit 2",
      "doctor",
      [],
      () => settings(),
      2,
      /usage: npm run doctor/,
    ],
    [
      "doctor with an unknown option: exit 2",
      "doctor",
      ["a/b", "--nope"],
      () => settings(),
      2,
      /--nope/,
    ],
    [
      "doctor without the portal's settings: exit 2",
      "doctor",
      ["acme/Dev"],
      () => ({ DATABASE_URL: "" }),
      2,
      /Gatehouse configuration is invalid:\n {2}- NEXTAUTH_URL is required/,
    ],
    [
      "doctor whose database cannot be opened (unexpected): exit 2, not 1, which means the role is misconfigured",
      "doctor",
      ["acme/Dev"],
      () => settings(),
      2,
      /doctor: could not check: /,
    ],
    [
      "discover with an unknown option (usage): exit 2",
      "discover",
      ["--nope"],
      () => settings(),
      2,
      /usage: npm run discover/,
    ],
    [
      "discover not configured: exit 2",
      "discover",
      [],
      () => settings({ GATEHOUSE_DISCOVERY_ORGANIZATION_ROLE_ARN: "" }),
      2,
      /discovery is not configured/,
    ],
    [
      "discover whose database cannot be opened (unexpected): exit 1, the run failed",
      "discover",
      [],
      () => settings(),
      1,
      /discover failed: /,
    ],
  ])("%s", async (_case, script, args, env, code, message) => {
    const run = await runOperator(script, args, env());
    expect(run.stderr).toMatch(message);
    expect(run.code, run.stderr).toBe(code);
  });
});

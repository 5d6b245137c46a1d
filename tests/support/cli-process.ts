// Runs the compiled gatehouse CLI (cli/dist/gatehouse.mjs, built by dev/build-cli.mjs) as a child
// process, the way a terminal or the AWS CLI's credential_process does. Always asynchronous: the
// AWS stand-in and the IdP run inside the test process and must keep answering meanwhile.
import { spawn } from "node:child_process";
import path from "node:path";

export const CLI_BIN = path.resolve(__dirname, "../../cli/dist/gatehouse.mjs");

export interface CliRun {
  code: number | null;
  signal: NodeJS.Signals | null;
  stdout: string;
  stderr: string;
}

export function runCli(
  args: string[],
  opts: { env: Record<string, string | undefined>; input?: string; cwd?: string },
): Promise<CliRun> {
  return runProcess(process.execPath, [CLI_BIN, ...args], opts);
}

export function runProcess(
  command: string,
  args: string[],
  opts: { env: Record<string, string | undefined>; input?: string; cwd?: string },
): Promise<CliRun> {
  return new Promise((resolve, reject) => {
    const child = spawn(command, args, {
      env: opts.env as NodeJS.ProcessEnv,
      cwd: opts.cwd,
      stdio: ["pipe", "pipe", "pipe"],
    });
    let stdout = "";
    let stderr = "";
    child.stdout.on("data", (d: Buffer) => (stdout += d.toString()));
    child.stderr.on("data", (d: Buffer) => (stderr += d.toString()));
    child.on("error", reject);
    child.on("close", (code, signal) => resolve({ code, signal, stdout, stderr }));
    // A command that exits before reading its input (a usage error, say) closes the pipe: the
    // write then fails with EPIPE, which is no failure of the test — its exit code and output
    // say what happened. Unhandled, it would be an error of the whole test file.
    child.stdin.on("error", () => undefined);
    child.stdin.end(opts.input ?? "");
  });
}

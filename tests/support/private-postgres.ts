// A PostgreSQL server of the test's own — initdb into a temporary directory, on a free loopback
// port, trust auth — so that a test can really restart it (`pg_ctl restart -m fast`: every
// session ends with 57P01, connections are refused while it is down, then it takes new ones)
// without touching the machine's shared server. Uses the machine's PostgreSQL binaries; run as
// root, the server runs as the `postgres` user (PostgreSQL refuses to run as root).
import { execFile, execFileSync } from "node:child_process";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { freePort } from "@/dev/ports";

export interface PrivatePostgres {
  /** A superuser URL to its `postgres` database (for GATEHOUSE_TEST_POSTGRES_URL). */
  url: string;
  /** A fast restart, as an operator's `systemctl restart postgresql` does; resolves when it takes connections again. */
  restart(): Promise<void>;
  stop(): void;
}

function binDir(): string {
  const root = "/usr/lib/postgresql";
  const versions = fs.existsSync(root)
    ? fs
        .readdirSync(root)
        .filter((v) => fs.existsSync(path.join(root, v, "bin", "initdb")))
        .sort((a, b) => Number(b) - Number(a))
    : [];
  if (!versions[0]) throw new Error(`no PostgreSQL server binaries under ${root}`);
  return path.join(root, versions[0], "bin");
}

export async function startPrivatePostgres(): Promise<PrivatePostgres> {
  const bin = binDir();
  const asRoot = process.getuid?.() === 0;
  // The server's user must be able to reach its directory: not under a private /tmp of root's.
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "gatehouse-pg-"));
  fs.chmodSync(dir, 0o755);
  if (asRoot) execFileSync("chown", ["postgres:postgres", dir]);
  const command = (tool: string, args: string[]): [string, string[]] =>
    asRoot
      ? ["runuser", ["-u", "postgres", "--", path.join(bin, tool), ...args]]
      : [path.join(bin, tool), args];
  const runSync = (tool: string, args: string[]) => {
    const [file, argv] = command(tool, args);
    execFileSync(file, argv, { stdio: "pipe" });
  };
  const port = await freePort();
  const data = path.join(dir, "data");
  runSync("initdb", ["-D", data, "-U", "postgres", "--auth=trust", "-E", "UTF8", "--no-sync"]);
  const options = `-p ${port} -c listen_addresses=127.0.0.1 -k ${dir} -c max_connections=200`;
  const log = path.join(dir, "server.log");
  runSync("pg_ctl", ["-D", data, "-o", options, "-l", log, "-w", "start"]);
  let stopped = false;
  const stop = () => {
    if (stopped) return;
    stopped = true;
    try {
      runSync("pg_ctl", ["-D", data, "-m", "immediate", "-w", "stop"]);
    } catch {
      // already down
    }
    fs.rmSync(dir, { recursive: true, force: true });
  };
  // Never leave a server behind, even when the run fails.
  process.once("exit", stop);
  return {
    url: `postgresql://postgres@127.0.0.1:${port}/postgres`,
    restart: () =>
      new Promise<void>((resolve, reject) => {
        const [file, argv] = command("pg_ctl", [
          "-D",
          data,
          "-m",
          "fast",
          "-l",
          log,
          "-w",
          "restart",
        ]);
        execFile(file, argv, (error) => (error ? reject(new Error(error.message)) : resolve()));
      }),
    stop,
  };
}

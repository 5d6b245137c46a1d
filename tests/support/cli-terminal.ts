// A terminal for the gatehouse CLI signed in with a real CLI token (no device flow to drive),
// `gatehouse serve` started as a child process, and raw requests to it with any Host header.
import { spawn, type ChildProcessWithoutNullStreams } from "node:child_process";
import fs from "node:fs";
import http from "node:http";
import os from "node:os";
import path from "node:path";
import { cliTokenFor } from "./cli-auth";
import { CLI_BIN } from "./cli-process";
import { signIn } from "./portal-client";
import type { TestStack } from "./stack";

/** A terminal with nothing AWS in it, signed in to the portal as bob with a real CLI token. */
export async function signedInTerminal(
  stack: TestStack,
  homes: string[],
): Promise<Record<string, string | undefined>> {
  const home = fs.mkdtempSync(path.join(os.tmpdir(), "gatehouse-cli-serving-"));
  homes.push(home);
  const { token, tokenId } = await cliTokenFor(stack, await signIn(stack, "bob"));
  const gatehouseHome = path.join(home, ".gatehouse");
  fs.mkdirSync(gatehouseHome, { mode: 0o700 });
  const signInFile = {
    portalUrl: stack.portalUrl,
    token,
    tokenId,
    expiresAt: new Date(Date.now() + 12 * 3600_000).toISOString(),
    user: { email: "bob@corp.example", displayName: "Bob", subject: "bob" },
  };
  fs.writeFileSync(path.join(gatehouseHome, "config.json"), JSON.stringify(signInFile), {
    mode: 0o600,
  });
  const clean = Object.fromEntries(
    Object.entries(process.env).filter(
      ([k]) => !k.startsWith("AWS_") && !k.startsWith("GATEHOUSE_"),
    ),
  );
  return {
    ...clean,
    HOME: home,
    GATEHOUSE_HOME: gatehouseHome,
    GATEHOUSE_URL: stack.portalUrl,
    GATEHOUSE_NO_BROWSER: "1",
    AWS_CONFIG_FILE: path.join(home, ".aws", "config"),
    AWS_SHARED_CREDENTIALS_FILE: path.join(home, ".aws", "credentials"),
  };
}

export function cacheEntries(e: Record<string, string | undefined>): string[] {
  const dir = path.join(e.GATEHOUSE_HOME!, "cache");
  return fs.existsSync(dir)
    ? fs
        .readdirSync(dir)
        .filter((f) => f.endsWith(".json"))
        .map((f) => path.join(dir, f))
    : [];
}

/** Starts `gatehouse serve`, resolving with the variables it prints. */
export async function startServe(
  e: Record<string, string | undefined>,
  args: string[],
): Promise<{ child: ChildProcessWithoutNullStreams; vars: Record<string, string> }> {
  const child = spawn(process.execPath, [CLI_BIN, "serve", ...args], {
    env: e as NodeJS.ProcessEnv,
    stdio: ["pipe", "pipe", "pipe"],
  });
  let out = "";
  const vars = await new Promise<Record<string, string>>((resolve, reject) => {
    child.stdout.on("data", (d: Buffer) => {
      out += d.toString();
      const found = Object.fromEntries(
        [...out.matchAll(/^([A-Z_]+)=(\S+)$/gm)].map((m) => [m[1]!, m[2]!]),
      );
      if (found.AWS_CONTAINER_AUTHORIZATION_TOKEN) resolve(found);
    });
    child.on("close", (code) => reject(new Error(`serve exited ${code}`)));
  });
  return { child, vars };
}

/** A GET with any Host header (fetch will not send a forged one). */
export function getWithHost(
  port: number,
  pathname: string,
  headers: Record<string, string>,
): Promise<{ status: number; body: string }> {
  return new Promise((resolve, reject) => {
    const req = http.request(
      { host: "127.0.0.1", port, path: pathname, method: "GET", headers },
      (res) => {
        let body = "";
        res.on("data", (d: Buffer) => (body += d.toString()));
        res.on("end", () => resolve({ status: res.statusCode ?? 0, body }));
      },
    );
    req.on("error", reject);
    req.end();
  });
}

/**
 * The terminal's sign-in saved for `portalUrl` instead (the CLI sends its token only to the portal
 * it was saved for): for a test that reaches the same portal under another URL (a TLS front, a
 * name only a proxy resolves). Returns the terminal's environment pointed there.
 */
export function signedInFor(
  terminal: Record<string, string | undefined>,
  portalUrl: string,
): Record<string, string | undefined> {
  const config = path.join(terminal.GATEHOUSE_HOME!, "config.json");
  const saved = JSON.parse(fs.readFileSync(config, "utf8")) as { portalUrl: string };
  fs.writeFileSync(config, JSON.stringify({ ...saved, portalUrl }), { mode: 0o600 });
  return { ...terminal, GATEHOUSE_URL: portalUrl };
}

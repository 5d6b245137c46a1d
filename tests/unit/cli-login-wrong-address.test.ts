// `gatehouse login --portal <url>` where <url> is not the portal's API: a company sign-in page in
// front of it, a web server at a mistyped path. Scripts run `gatehouse login && …`, so such an
// answer must never be exit 0, and the message names the address to check (docs/CLI.md "Exit codes").
import fs from "node:fs";
import http from "node:http";
import type { AddressInfo } from "node:net";
import os from "node:os";
import path from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";

import { EXIT } from "@/cli/gatehouse/exit-codes";
import { runCli } from "@/cli/gatehouse/main";
import { testCliContext } from "../support/cli-context";

let root: string;
let server: http.Server | undefined;
beforeEach(() => {
  root = fs.mkdtempSync(path.join(os.tmpdir(), "gatehouse-wrong-address-"));
});
afterEach(async () => {
  await new Promise((resolve) => (server ? server.close(resolve) : resolve(undefined)));
  server = undefined;
  fs.rmSync(root, { recursive: true, force: true });
});

/** A web server that answers every request with `status`, `type` and `body`: its URL. */
async function webServer(status: number, type: string, body: string): Promise<string> {
  server = http.createServer((_req, res) => {
    res.writeHead(status, { "content-type": type });
    res.end(body);
  });
  await new Promise<void>((resolve) => server?.listen(0, "127.0.0.1", resolve));
  return `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
}

function context(home: string) {
  return testCliContext(
    { GATEHOUSE_HOME: home, GATEHOUSE_NO_BROWSER: "1" },
    { answer: (url, init) => fetch(url, init), now: () => new Date() },
  );
}

describe("login at an address that is not the portal's API fails naming the address, never exit 0", () => {
  it.each([
    ["a sign-in web page (HTTP 200, HTML)", 200, "text/html", "<html>Sign in</html>"],
    ["a web page that is not there (HTTP 404, HTML)", 404, "text/html", "<html>Not found</html>"],
    ["JSON that is no device code (HTTP 200)", 200, "application/json", "{}"],
  ])("%s: exit 1, nothing saved", async (_name, status, type, body) => {
    const url = await webServer(status, type, body);
    const home = path.join(root, "home");
    const run = context(home);
    expect(await runCli(["login", "--portal", url], run.ctx)).toBe(EXIT.unexpected);
    expect(run.stderr()).toMatch(/^gatehouse: /);
    if (type === "text/html") {
      expect(run.stderr()).toContain(`${url} answered HTTP ${status} with something other than`);
      expect(run.stderr()).toContain("check the portal's address");
    }
    expect(run.stderr()).not.toMatch(/To sign in/);
    expect(run.stdout()).toBe("");
    expect(fs.existsSync(path.join(home, "config.json"))).toBe(false);
  });

  it("a proxy's HTML error page (HTTP 502) is the portal being unavailable: exit 5", async () => {
    const url = await webServer(502, "text/html", "<html>Bad gateway</html>");
    const run = context(path.join(root, "home"));
    expect(await runCli(["login", "--portal", url], run.ctx)).toBe(EXIT.unavailable);
    expect(run.stderr()).toContain("the portal answered HTTP 502");
  });
});

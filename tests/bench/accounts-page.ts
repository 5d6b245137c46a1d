// `npm run bench:accounts`: the accounts page for a power user — 1,000 granted roles across 1,000 of
// 5,000 accounts (50,000 access rules in all, the rest naming others), 20 favorites and 5,000 past
// issuances in the audit log — measured on the same stack as a baseline:
//   (a) GET /accounts server time (full HTML with the page data) against GET /api/health (the
//       HTTP + database floor), median and p95;
//   (b) in Chromium: time from navigation to the first role on screen, to a working search box
//       (hydrated), and how long a search keystroke takes to update the list.
// Rows are written straight into the stack's database (the admin API is not the thing measured).
// Not a test: numbers, not assertions.
import fs from "node:fs";
import path from "node:path";
import { gunzipSync, gzipSync } from "node:zlib";
import { chromium, type Page } from "@playwright/test";
import { signIn } from "../support/portal-client";
import { cpuMs } from "../support/process-memory";
import { startTestStack } from "../support/stack";
import { ACCOUNTS, GRANTED, RULES, httpGet, seedBigWorld } from "./accounts-world";
import { recordFigures } from "./figures";
import { percentile } from "./stats";

const ROUNDS = Number(process.env.BENCH_ROUNDS || 50);
const BROWSER_LOADS = Number(process.env.BENCH_BROWSER_LOADS || 10);
const PROFILE_DIR = path.join(process.cwd(), ".tmp", "profiles");
const CHROMIUM = process.env.GATEHOUSE_CHROMIUM ?? "/usr/bin/chromium";

async function time(rounds: number, fn: () => Promise<void>): Promise<number[]> {
  for (let i = 0; i < Math.min(10, rounds); i += 1) await fn(); // warm-up
  const samples: number[] = [];
  for (let i = 0; i < rounds; i += 1) {
    const started = process.hrtime.bigint();
    await fn();
    samples.push(Number(process.hrtime.bigint() - started) / 1e6);
  }
  return samples.sort((a, b) => a - b);
}

/** One keystroke in the search box: dispatches the input event the way typing does, then times
 * until the list in the DOM shows the new result and until the next frame is painted. */
async function keystrokeTimes(
  page: Page,
  queries: string[],
): Promise<{ dom: number[]; frame: number[] }> {
  return page.evaluate(async (qs) => {
    const box = document.querySelector<HTMLInputElement>('input[type="search"]')!;
    const counts = document.querySelector('[data-testid="counts"]')!;
    // The prototype's setter, as typing uses it: assigning box.value would also update React's
    // value tracker, and React would then see no change.
    // eslint-disable-next-line @typescript-eslint/unbound-method -- called with .call(box) below
    const setValue = Object.getOwnPropertyDescriptor(HTMLInputElement.prototype, "value")!.set!;
    const dom: number[] = [];
    const frame: number[] = [];
    for (const q of qs) {
      const t0 = performance.now();
      setValue.call(box, q);
      box.dispatchEvent(new Event("input", { bubbles: true }));
      // The counts line carries the query it was rendered for: React has committed this keystroke.
      while (counts.getAttribute("data-query") !== q) await new Promise((r) => setTimeout(r, 0));
      dom.push(performance.now() - t0);
      await new Promise((r) => requestAnimationFrame(() => setTimeout(r, 0)));
      frame.push(performance.now() - t0);
    }
    return { dom: dom.sort((a, b) => a - b), frame: frame.sort((a, b) => a - b) };
  }, queries);
}

/** Installs the in-page timing of typed keystrokes (see typedKeystrokeTimes), as plain JavaScript. */
const KEY_TIMER = `function (selector, bare) {
  window.benchKeyTimes = [];
  if (bare) {
    const input = document.createElement("input");
    input.id = "bench-bare-input";
    input.style.cssText = "position:fixed;top:0;left:0;z-index:100";
    document.body.append(input);
  }
  const box = document.querySelector(selector);
  const counts = document.querySelector('[data-testid="counts"]');
  let keyAt = 0;
  box.addEventListener("keydown", function (e) { keyAt = e.timeStamp; }, true);
  box.addEventListener("input", function () {
    const t0 = keyAt;
    const query = box.value;
    requestAnimationFrame(function onFrame() {
      if (!bare && counts.getAttribute("data-query") !== query) return void requestAnimationFrame(onFrame);
      setTimeout(function () { window.benchKeyTimes.push(performance.now() - t0); }, 0);
    });
  }, true);
}`;

/**
 * Keystrokes as a person types them: Playwright sends real key events through Chromium's input
 * pipeline, so each arrives at whatever point of the 60 Hz frame cycle it happens to. Each is timed
 * in the page from the key event's own timestamp (when Chromium received it) to the end of the first
 * frame that shows its result: a frame's requestAnimationFrame callbacks run before it is painted,
 * so the first one to find the list showing the query belongs to the frame that paints it, and a
 * task queued there runs once that frame is done. `bare` types into a plain input outside React
 * instead: what the frame cycle alone costs (the floor).
 */
async function typedKeystrokeTimes(page: Page, words: string[], bare: boolean): Promise<number[]> {
  const selector = bare ? "#bench-bare-input" : 'input[type="search"]';
  // A string, not a function: tsx would wrap the inner functions in a helper the page doesn't have.
  await page.evaluate(`(${KEY_TIMER})(${JSON.stringify(selector)}, ${bare})`);
  const box = page.locator(selector);
  await box.focus();
  let expected = 0;
  const settle = async () => {
    expected += 1;
    await page.waitForFunction(
      (n) => (window as unknown as { benchKeyTimes: number[] }).benchKeyTimes.length >= n,
      expected,
    );
  };
  for (const word of words) {
    for (const ch of word) {
      await page.keyboard.press(ch === " " ? "Space" : ch);
      await settle();
    }
    await page.keyboard.press("ControlOrMeta+A");
    await page.keyboard.press("Backspace");
    await settle();
  }
  const times = await page.evaluate(
    () => (window as unknown as { benchKeyTimes: number[] }).benchKeyTimes,
  );
  return times.sort((a, b) => a - b);
}

/**
 * The scripts a page's HTML loads at start (its <script src> tags), without the `nomodule` ones:
 * those are Next.js's polyfills for browsers without ES modules, which every browser the portal
 * supports skips without downloading them (HTML's "nomodule" attribute).
 */
function scriptSources(html: string): string[] {
  const tags = [...html.matchAll(/<script\b[^>]*>/g)].map((m) => m[0]);
  const sources = tags
    .filter((tag) => !/\snomodule\b/i.test(tag))
    .map((tag) => /\ssrc="([^"]+\.js[^"]*)"/.exec(tag)?.[1])
    .filter((src): src is string => src !== undefined);
  return [...new Set(sources)];
}

/**
 * The size of those scripts gzipped at level 9, as a CDN would serve them, in KiB.
 * BENCH_LIST_SCRIPTS=1 prints each script's size under `label`.
 */
async function gzippedKb(base: string, sources: string[], label = ""): Promise<number> {
  let total = 0;
  const sizes: Array<[string, number]> = [];
  for (const src of sources) {
    const body = Buffer.from(await (await fetch(new URL(src, base))).arrayBuffer());
    const size = gzipSync(body, { level: 9 }).byteLength;
    sizes.push([src, size]);
    total += size;
  }
  if (label && process.env.BENCH_LIST_SCRIPTS === "1") {
    console.log(`${label}:`);
    for (const [src, size] of sizes.sort((a, b) => b[1] - a[1]))
      console.log(`  ${(size / 1024).toFixed(1).padStart(6)} KiB  ${src}`);
  }
  return total / 1024;
}

/**
 * The accounts page's JavaScript, and as its floor the sign-in page's (a page with almost no code
 * of its own: what Next.js and React cost every page).
 */
async function pageJavaScript(
  base: string,
  html: string,
): Promise<{ files: number; gzipKb: number; frameworkGzipKb: number }> {
  const sources = scriptSources(html);
  const signIn = await (await fetch(`${base}/signin`)).text();
  return {
    files: sources.length,
    gzipKb: await gzippedKb(base, sources, "the accounts page's scripts"),
    frameworkGzipKb: await gzippedKb(base, scriptSources(signIn), "the sign-in page's scripts"),
  };
}

/** The scripts Chromium fetched for the page so far (Resource Timing, any initiator), as paths. */
async function fetchedScripts(page: Page): Promise<string[]> {
  const names = await page.evaluate(() =>
    performance.getEntriesByType("resource").map((e) => e.name),
  );
  return [...new Set(names.map((n) => new URL(n).pathname).filter((p) => p.endsWith(".js")))];
}

async function main(): Promise<void> {
  // BENCH_CPU_PROF=1: the portal writes a CPU profile on exit (tests/bench/profile-summary.ts).
  const profiling = process.env.BENCH_CPU_PROF === "1";
  if (profiling) fs.mkdirSync(PROFILE_DIR, { recursive: true });
  const stack = await startTestStack({
    systemClock: true,
    database: (process.env.GATEHOUSE_TEST_DATABASE as "sqlite" | "postgresql") || "sqlite",
    ...(profiling ? { portalNodeArgs: ["--cpu-prof", `--cpu-prof-dir=${PROFILE_DIR}`] } : {}),
  });
  try {
    const bob = await signIn(stack, "bob");
    const seeded = Date.now();
    await seedBigWorld(stack);
    console.log(
      `seeded ${ACCOUNTS} accounts, ${GRANTED} granted roles, ${Math.max(RULES, GRANTED)} rules in ${Date.now() - seeded} ms`,
    );

    let htmlBytes = 0;
    let pageHtml = "";
    let renderedRoles = 0;
    let gzipBytes = 0;
    const cookie = bob.jar.headersFor(`${stack.portalUrl}/accounts`);
    // The portal's own CPU time per request (from /proc): what a busy machine moves far less than
    // the wall-clock times, so it is the figure to compare between builds.
    const pid = stack.portal.serverPid();
    const requestsTimed = ROUNDS + Math.min(10, ROUNDS);
    // Warm: the first requests load the route's code and the JIT's, which no later request pays.
    for (let i = 0; i < 10; i++) await httpGet(`${stack.portalUrl}/accounts`, cookie);
    await fetch(`${stack.portalUrl}/api/health`).then((res) => res.arrayBuffer());
    let cpuBefore = cpuMs(pid);
    const page = await time(ROUNDS, async () => {
      const res = await httpGet(`${stack.portalUrl}/accounts`, cookie);
      if (res.status !== 200) throw new Error(`GET /accounts: HTTP ${res.status}`);
      const html = gunzipSync(res.body).toString("utf8");
      gzipBytes = res.body.byteLength;
      htmlBytes = Buffer.byteLength(html);
      pageHtml = html;
      renderedRoles = html.match(/data-role-id=/g)?.length ?? 0;
    });
    const pageCpuMs = (cpuMs(pid) - cpuBefore) / requestsTimed;
    const script = await pageJavaScript(stack.portalUrl, pageHtml);
    cpuBefore = cpuMs(pid);
    const health = await time(ROUNDS, async () => {
      const res = await fetch(`${stack.portalUrl}/api/health`);
      if (!res.ok) throw new Error(`health: HTTP ${res.status}`);
      await res.arrayBuffer();
    });
    const healthCpuMs = (cpuMs(pid) - cpuBefore) / requestsTimed;

    const browser = await chromium.launch({
      executablePath: CHROMIUM,
      args: ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--no-first-run"],
    });
    const firstRole: number[] = [];
    const hydrated: number[] = [];
    let keys: { dom: number[]; frame: number[] } = { dom: [], frame: [] };
    let typed: number[] = [];
    let typedBare: number[] = [];
    let domRows = 0;
    let loadedScripts: string[] = [];
    try {
      const context = await browser.newContext({ viewport: { width: 1280, height: 900 } });
      await context.addCookies(
        bob.jar.cookiesFor(stack.portalUrl).map((c) => ({
          name: c.name,
          value: c.value,
          url: stack.portalUrl,
        })),
      );
      const tab = await context.newPage();
      for (let i = 0; i < BROWSER_LOADS + 1; i += 1) {
        const t0 = Date.now();
        await tab.goto(`${stack.portalUrl}/accounts`, { waitUntil: "commit" });
        await tab.locator("[data-role-id]").first().waitFor({ state: "visible" });
        const visible = Date.now() - t0;
        // Hydrated: typing into the search box filters the list.
        const search = tab.getByRole("searchbox", { name: "Search accounts and roles" });
        await search.fill("zz-no-such-role");
        await tab.getByTestId("no-match").waitFor();
        const interactive = Date.now() - t0;
        await search.fill("");
        // The first load runs in a fresh context: what a first visit downloads, lazy chunks included.
        if (i === 0) loadedScripts = await fetchedScripts(tab);
        if (i > 0) {
          firstRole.push(visible);
          hydrated.push(interactive);
        }
      }
      domRows = await tab.locator("[data-role-id]").count();
      const words = ["bench-prod-0", "team-4", "developer staging", "7000"];
      typed = await typedKeystrokeTimes(tab, [...words, ...words], false);
      typedBare = await typedKeystrokeTimes(tab, [...words, ...words], true);
      const queries: string[] = [];
      for (const word of words) {
        for (let n = 1; n <= word.length; n += 1) queries.push(word.slice(0, n));
        queries.push("");
      }
      keys = await keystrokeTimes(tab, queries);
    } finally {
      await browser.close();
    }
    firstRole.sort((a, b) => a - b);
    hydrated.sort((a, b) => a - b);

    const loadedKb = await gzippedKb(stack.portalUrl, loadedScripts);
    const row = (name: string, s: number[]) =>
      `${name.padEnd(52)} ${percentile(s, 50).toFixed(1).padStart(8)}ms ${percentile(s, 95).toFixed(1).padStart(8)}ms`;
    console.log(
      `\nGatehouse accounts page benchmark — ${stack.database}, bob sees ${GRANTED} roles in ${GRANTED} of ${ACCOUNTS} accounts, ${Math.max(RULES, GRANTED)} rules\n`,
    );
    console.log(`${"".padEnd(52)} ${"median".padStart(10)} ${"p95".padStart(10)}`);
    console.log(row(`GET /api/health (floor), ${ROUNDS} rounds`, health));
    console.log(row(`GET /accounts (server, full HTML), ${ROUNDS} rounds`, page));
    console.log(row(`Chromium: navigation → first role visible (${BROWSER_LOADS})`, firstRole));
    console.log(row(`Chromium: navigation → search works (hydrated)`, hydrated));
    console.log(row(`Chromium: keystroke → list updated (${keys.dom.length})`, keys.dom));
    console.log(row(`Chromium: keystroke → next frame`, keys.frame));
    console.log(row(`Chromium: typed key → frame showing the list (${typed.length})`, typed));
    console.log(row(`Chromium: typed key → next frame, bare input (floor)`, typedBare));
    console.log(
      `\nGET /accounts: ${(htmlBytes / 1024).toFixed(0)} KiB HTML (page data included), ${(gzipBytes / 1024).toFixed(0)} KiB gzipped; ` +
        `${renderedRoles} role rows server-rendered, ${domRows} in the DOM after load; ` +
        `×health ${(percentile(page, 50) / percentile(health, 50)).toFixed(1)}`,
    );
    console.log(
      `portal CPU per request: GET /accounts ${pageCpuMs.toFixed(1)} ms, GET /api/health ${healthCpuMs.toFixed(1)} ms`,
    );
    console.log(
      `page JavaScript: ${script.files} scripts in the HTML, ${script.gzipKb.toFixed(0)} KiB gzipped; ` +
        `${loadedScripts.length} scripts fetched by Chromium by the time search works, ${loadedKb.toFixed(0)} KiB gzipped ` +
        `(the sign-in page, the framework floor: ${script.frameworkGzipKb.toFixed(0)} KiB)`,
    );
    recordFigures([
      {
        name: `accounts page (${GRANTED} roles, ${ACCOUNTS} accounts, ${Math.max(RULES, GRANTED)} rules): server p95`,
        value: percentile(page, 95),
        unit: "ms",
        baseline: { name: "GET /api/health p95", value: percentile(health, 95) },
        target: { atMost: 150 },
      },
      {
        name: "accounts page: JavaScript, gzipped",
        value: Math.max(script.gzipKb, loadedKb),
        unit: "KB",
        baseline: { name: "the sign-in page's JavaScript", value: script.frameworkGzipKb },
        target: { atMost: 150 },
      },
      {
        name: "accounts page: search keystroke to next frame, median",
        value: percentile(typed, 50),
        unit: "ms",
        baseline: { name: "the same typed into a bare input", value: percentile(typedBare, 50) },
        target: { atMost: 16 },
      },
    ]);
  } catch (error) {
    console.error(stack.portal.output().slice(-4000));
    throw error;
  } finally {
    await stack.stop();
  }
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});

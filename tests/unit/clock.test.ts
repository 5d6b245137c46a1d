// The portal's clock (lib/clock.ts): the system clock, unless a test stack on a loopback address
// points GATEHOUSE_TEST_CLOCK_FILE at an offset or a stopped instant; anywhere else the setting
// changes nothing.
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { afterEach, describe, expect, it, vi } from "vitest";
import { currentTime } from "@/lib/clock";

const dir = fs.mkdtempSync(path.join(os.tmpdir(), "gatehouse-clock-unit-"));
const file = path.join(dir, "offset");

afterEach(() => {
  vi.unstubAllEnvs();
});

describe("the portal's clock", () => {
  it("a test stack on localhost moves it by the file's offset", () => {
    fs.writeFileSync(file, String(3600_000));
    vi.stubEnv("NEXTAUTH_URL", "http://localhost:3000");
    vi.stubEnv("GATEHOUSE_TEST_CLOCK_FILE", file);
    const ahead = currentTime().getTime() - Date.now();
    expect(ahead).toBeGreaterThan(3590_000);
    expect(ahead).toBeLessThanOrEqual(3600_000);
  });

  it("a test stack on localhost stops it at the file's @instant, and an unreadable one is ignored", () => {
    vi.stubEnv("NEXTAUTH_URL", "http://localhost:3000");
    vi.stubEnv("GATEHOUSE_TEST_CLOCK_FILE", file);
    fs.writeFileSync(file, "@1796630400000");
    expect(currentTime().toISOString()).toBe("2026-12-07T08:00:00.000Z");
    expect(currentTime().toISOString()).toBe("2026-12-07T08:00:00.000Z");
    fs.writeFileSync(file, "@soon");
    expect(Math.abs(currentTime().getTime() - Date.now())).toBeLessThan(1_000);
  });

  it.each([
    ["a portal on another host", "https://aws.corp.example", file],
    ["no file setting", "http://localhost:3000", undefined],
    ["a file that doesn't exist", "http://localhost:3000", path.join(dir, "missing")],
  ])("%s: the system clock", (_case, url, clockFile) => {
    fs.writeFileSync(file, String(3600_000));
    vi.stubEnv("NEXTAUTH_URL", url);
    if (clockFile) vi.stubEnv("GATEHOUSE_TEST_CLOCK_FILE", clockFile);
    expect(Math.abs(currentTime().getTime() - Date.now())).toBeLessThan(1_000);
  });
});

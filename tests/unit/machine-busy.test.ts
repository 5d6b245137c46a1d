// The suite's per-tier "machine busy" figure: read from /proc/stat's aggregate line, idle and
// iowait counting as not busy; anything unreadable gives no figure rather than a wrong one.
import { describe, expect, it } from "vitest";
import { busyShare, parseProcStat } from "@/tests/support/machine-busy";

describe("parseProcStat reads the aggregate cpu line", () => {
  it("counts user, nice, system, irq, softirq and steal as busy; idle and iowait as not", () => {
    const stat = "cpu  100 5 50 800 40 3 2 0 0 0\ncpu0 50 2 25 400 20 1 1 0 0 0\nintr 1 2 3\n";
    expect(parseProcStat(stat)).toEqual({ busy: 160, total: 1000 });
  });
  it.each([
    ["no cpu line", "intr 1 2 3\n"],
    ["only per-core lines", "cpu0 1 2 3 4\n"],
    ["a field that is no number", "cpu  1 2 x 4 5 6 7 8\n"],
    ["too few fields", "cpu  1 2 3\n"],
  ])("gives nothing for %s", (_, text) => {
    expect(parseProcStat(text)).toBeNull();
  });
});

describe("busyShare is the busy part of the time between two readings", () => {
  it("divides the busy ticks gained by the ticks gained", () => {
    expect(busyShare({ busy: 100, total: 1000 }, { busy: 400, total: 1400 })).toBeCloseTo(0.75);
  });
  it.each([
    ["a missing reading", null, { busy: 1, total: 2 }],
    ["no time passed", { busy: 1, total: 2 }, { busy: 1, total: 2 }],
  ])("gives nothing for %s", (_, before, after) => {
    expect(busyShare(before, after)).toBeNull();
  });
});

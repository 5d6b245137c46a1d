import { describe, expect, it } from "vitest";

import { renewalTime } from "../../cli/gatehouse/credential-cache";
import { keepWarm, type WarmCredentials } from "../../cli/gatehouse/keep-warm";

/**
 * `serve` renews its default role when the cache stops handing the credentials out, so the SDK's
 * ask (at about that moment) is answered from the cache; driven here by a clock and timers the
 * test moves.
 */

const MIN = 60_000;
const START = Date.parse("2026-12-07T09:00:00Z");

function harness(
  options: {
    failures?: number;
    /** The messages the failures carry, in order (default: all "the portal answered 503"). */
    failureMessages?: string[];
    lifetimeMs?: number;
    skewMs?: number;
    startEmpty?: boolean;
    failedAtStart?: unknown;
  } = {},
) {
  let now = START;
  const failureMessages = options.failureMessages ?? [];
  let failuresLeft = options.failures ?? failureMessages.length;
  const recovered: number[] = [];
  const lifetime = options.lifetimeMs ?? 60 * MIN;
  const timers: Array<{ at: number; task: () => void; cancelled: boolean }> = [];
  const obtained: number[] = [];
  const errors: string[] = [];
  const issue = (): WarmCredentials => ({
    expiration: new Date(now - (options.skewMs ?? 0) + lifetime).toISOString(),
    durationSeconds: lifetime / 1000,
  });
  const warmer = keepWarm(options.startEmpty ? null : issue(), {
    obtain: () => {
      obtained.push(now);
      if (failuresLeft > 0) {
        failuresLeft -= 1;
        return Promise.reject(new Error(failureMessages.shift() ?? "the portal answered 503"));
      }
      return Promise.resolve(issue());
    },
    renewalTime: (c) => renewalTime(c.expiration, c.durationSeconds),
    now: () => new Date(now),
    schedule: (ms, task) => {
      const timer = { at: now + ms, task, cancelled: false };
      timers.push(timer);
      return () => {
        timer.cancelled = true;
      };
    },
    onError: (err) => errors.push(String(err)),
    onRecovered: (failures) => recovered.push(failures),
    failedAtStart: options.failedAtStart,
  });
  const pending = () => timers.filter((t) => !t.cancelled);
  return {
    warmer,
    obtained,
    errors,
    recovered,
    pending,
    /** Moves the clock to `at` without running timers (a laptop asleep). */
    jumpTo(at: number) {
      now = at;
    },
    /** Runs timers in order until the clock reaches `until`. */
    async runUntil(until: number) {
      for (;;) {
        const next = pending().sort((a, b) => a.at - b.at)[0];
        if (!next || next.at > until) break;
        next.cancelled = true;
        now = Math.max(now, next.at);
        next.task();
        for (let i = 0; i < 5; i += 1) await Promise.resolve();
      }
      now = Math.max(now, until);
    },
  };
}

describe("serve keeps its default role renewed ahead of the SDK", () => {
  it("renews at the moment the cache stops handing the credentials out, not before", async () => {
    const h = harness();
    const due = START + 45 * MIN; // 60-minute credentials, renewed 15 minutes before expiry
    await h.runUntil(due - 1);
    expect(h.obtained).toEqual([]);
    await h.runUntil(due);
    expect(h.obtained).toEqual([due]);
    await h.runUntil(due + 45 * MIN);
    expect(h.obtained).toEqual([due, due + 45 * MIN]);
  });

  it("a session shorter than twice the margin is renewed halfway, as the cache does", async () => {
    const h = harness({ lifetimeMs: 15 * MIN });
    await h.runUntil(START + 7.5 * MIN);
    expect(h.obtained).toEqual([START + 7.5 * MIN]);
  });

  it("no single wait is longer than five minutes, so a wake from sleep past the due time renews then", async () => {
    const h = harness({ lifetimeMs: 12 * 60 * MIN });
    expect(Math.max(...h.pending().map((t) => t.at - START))).toBe(5 * MIN);
    const woke = START + 11 * 60 * MIN + 50 * MIN; // asleep past the due time (11 h 45 min)
    h.jumpTo(woke); // the timer did not run meanwhile
    await h.runUntil(woke + 1);
    expect(h.obtained).toEqual([woke]);
  });

  it("a failed renewal is reported and tried again a minute later", async () => {
    const h = harness({ failures: 2 });
    const due = START + 45 * MIN;
    await h.runUntil(due + 2 * MIN);
    expect(h.obtained).toEqual([due, due + MIN, due + 2 * MIN]);
    expect(h.errors).toEqual(["Error: the portal answered 503"]);
    expect(h.recovered).toEqual([2]);
    expect(h.pending().map((t) => t.at)).toEqual([due + 2 * MIN + 5 * MIN]);
  });

  it("a renewal failing the same way every minute is reported once; a different reason is reported when it appears", async () => {
    const ended = "your sign-in has ended; run gatehouse login";
    const h = harness({
      failureMessages: [ended, ended, ended, "the portal answered 503", ended],
    });
    const due = START + 45 * MIN;
    await h.runUntil(due + 5 * MIN);
    expect(h.obtained).toHaveLength(6);
    expect(h.errors).toEqual([
      `Error: ${ended}`,
      "Error: the portal answered 503",
      `Error: ${ended}`,
    ]);
    expect(h.recovered).toEqual([5]);
  });

  it("the reason already said at start is not said again by the first retries", async () => {
    const h = harness({
      startEmpty: true,
      failedAtStart: new Error("the portal answered 503"),
      failures: 2,
    });
    await h.runUntil(START + 3 * MIN);
    expect(h.obtained).toEqual([START + MIN, START + 2 * MIN, START + 3 * MIN]);
    expect(h.errors).toEqual([]);
    expect(h.recovered).toEqual([3]); // the failure at start and the two retries
  });

  it("credentials already due when issued (this clock 20 minutes ahead of the portal's) are renewed once a minute, not in a loop", async () => {
    const h = harness({ lifetimeMs: 15 * MIN, skewMs: 20 * MIN });
    await h.runUntil(START + 3 * MIN);
    expect(h.obtained).toEqual([START + MIN, START + 2 * MIN, START + 3 * MIN]);
  });

  it("nothing obtained at start (the portal unreachable): tried a minute later, and every minute until it works", async () => {
    const h = harness({ startEmpty: true, failures: 2 });
    await h.runUntil(START + 3 * MIN);
    expect(h.obtained).toEqual([START + MIN, START + 2 * MIN, START + 3 * MIN]);
    expect(h.errors).toEqual(["Error: the portal answered 503"]);
    expect(h.recovered).toEqual([2]);
    // The third try worked: the next is when those credentials are due.
    expect(h.pending().map((t) => t.at)).toEqual([START + 3 * MIN + 5 * MIN]);
  });

  it("stop() ends it: no renewal after it", async () => {
    const h = harness();
    await h.runUntil(START + 45 * MIN - 1);
    h.warmer.stop();
    await h.runUntil(START + 120 * MIN);
    expect(h.obtained).toEqual([]);
    expect(h.pending()).toEqual([]);
  });

  it("stop() during a renewal: what the renewal meets is neither reported nor retried", async () => {
    const h = harness({ failures: 1 });
    const due = START + 45 * MIN;
    await h.runUntil(due - 1);
    const [timer] = h.pending();
    timer!.cancelled = true;
    h.jumpTo(due);
    timer!.task(); // the renewal starts...
    h.warmer.stop(); // ...and serve stops before the portal answers
    for (let i = 0; i < 5; i += 1) await Promise.resolve();
    expect(h.obtained).toEqual([due]);
    expect(h.errors).toEqual([]);
    expect(h.pending()).toEqual([]);
  });

  it("credentials whose expiration can't be read are left to the SDK's own ask", () => {
    const timers: number[] = [];
    keepWarm(
      { expiration: "not a date" },
      {
        obtain: () => Promise.reject(new Error("not called")),
        renewalTime: (c) => renewalTime(c.expiration),
        now: () => new Date(START),
        schedule: (ms) => {
          timers.push(ms);
          return () => {};
        },
        onError: () => {},
      },
    );
    expect(timers).toEqual([]);
  });
});

// The lock over the SQLite connection (docs/DATABASE-FAULTS.md): first come, first served, a
// bounded wait, and a release that can't be used twice.
import { describe, expect, it } from "vitest";
import { ConnectionLock } from "@/lib/db/connection-lock";

const timeout = () => new Error("timed out");

describe("ConnectionLock", () => {
  it("grants at once when free, then hands over in arrival order", async () => {
    const lock = new ConnectionLock(10_000);
    const order: string[] = [];
    const first = await lock.acquire(timeout);
    const second = lock.acquire(timeout).then((release) => (order.push("second"), release));
    const third = lock.acquire(timeout).then((release) => (order.push("third"), release));
    expect(lock.isHeld).toBe(true);
    first();
    (await second)();
    (await third)();
    expect(order).toEqual(["second", "third"]);
    expect(lock.isHeld).toBe(false);
  });

  it("a release called twice frees the lock once (it can't hand it to two waiters)", async () => {
    const lock = new ConnectionLock(10_000);
    const first = await lock.acquire(timeout);
    let thirdGranted = false;
    const second = lock.acquire(timeout);
    void lock.acquire(timeout).then(() => (thirdGranted = true));
    first();
    first();
    await second;
    await Promise.resolve();
    expect(thirdGranted).toBe(false);
  });

  it("a waiter that can't have it within the bound gets the error, and leaves the queue", async () => {
    const lock = new ConnectionLock(5);
    const held = await lock.acquire(timeout);
    await expect(lock.acquire(timeout)).rejects.toThrow("timed out");
    held();
    expect(lock.isHeld).toBe(false);
    const again = await lock.acquire(timeout);
    again();
  });
});

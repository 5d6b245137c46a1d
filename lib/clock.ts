import fs from "node:fs";
import { isLoopbackUrl } from "@/lib/config/loopback";

/**
 * The portal's clock: what every decision about time (a session's end, a rule's expiry, an
 * assertion's window, an audit record's time) reads, instead of `new Date()` in place.
 *
 * In production it is the system clock. A test stack may move it without waiting: with
 * GATEHOUSE_TEST_CLOCK_FILE set, the file holds either a number of milliseconds added to the system
 * clock, or `@` and an instant in epoch milliseconds at which the clock stands still (a test whose
 * rule counts seconds between two requests, so a slow machine can't change its outcome). It is read
 * on every call, so a test changes it while the portal runs. That setting is honoured only for a
 * portal whose NEXTAUTH_URL is on a loopback address, and refused at boot otherwise (lib/config),
 * so a deployed portal can't have its clock moved by a stray variable.
 */
export function currentTime(): Date {
  const file = process.env.GATEHOUSE_TEST_CLOCK_FILE;
  if (!file || !isLoopbackUrl(process.env.NEXTAUTH_URL)) return new Date();
  let setting = "";
  try {
    setting = fs.readFileSync(file, "utf8").trim();
  } catch {
    // No file yet: the system clock.
  }
  if (setting.startsWith("@")) {
    const stoppedAt = Number(setting.slice(1));
    if (Number.isFinite(stoppedAt)) return new Date(stoppedAt);
  }
  return new Date(Date.now() + (Number(setting) || 0));
}

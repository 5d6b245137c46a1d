import fs from "node:fs";
import { isLoopbackUrl } from "@/lib/config/loopback";

/**
 * The portal's clock: what every decision about time (a session's end, a rule's expiry, an
 * assertion's window, an audit record's time) reads, instead of `new Date()` in place.
 *
 * In production it is the system clock. A test stack may move it without waiting: with
 * GATEHOUSE_TEST_CLOCK_FILE set, the file holds a number of milliseconds added to the system clock
 * (read on every call, so a test changes it while the portal runs). That setting is honoured only
 * for a portal whose NEXTAUTH_URL is on a loopback address, and refused at boot otherwise
 * (lib/config), so a deployed portal can't have its clock moved by a stray variable.
 */
export function currentTime(): Date {
  const file = process.env.GATEHOUSE_TEST_CLOCK_FILE;
  if (!file || !isLoopbackUrl(process.env.NEXTAUTH_URL)) return new Date();
  let offsetMs = 0;
  try {
    offsetMs = Number(fs.readFileSync(file, "utf8").trim()) || 0;
  } catch {
    // No file yet: no offset.
  }
  return new Date(Date.now() + offsetMs);
}

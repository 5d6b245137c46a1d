import { describe, expect, it } from "vitest";
import { localInputValue, readStartChoice } from "@/components/access-requests/start-time";

describe("readStartChoice", () => {
  const now = new Date("2026-03-01T12:00:00Z").getTime();
  const later = localInputValue(now + 3_600_000);

  it.each([
    ["when approved, whatever the field holds", false, "", { ok: true, startsAt: null }],
    [
      "at a time to come",
      true,
      later,
      { ok: true, startsAt: new Date(now + 3_600_000).toISOString() },
    ],
  ])("%s is sent", (_case, isLater, value, expected) => {
    expect(readStartChoice(isLater, value, now)).toEqual(expected);
  });

  it.each([
    ["at with no time", ""],
    ["at with an unreadable time", "tomorrow"],
    ["at a past time", localInputValue(now - 60_000)],
    ["at the very minute it is now", localInputValue(now)],
  ])("%s is refused with a message", (_case, value) => {
    const choice = readStartChoice(true, value, now);
    expect(choice.ok).toBe(false);
    if (!choice.ok) expect(choice.message).toMatch(/choose/i);
  });
});

import { describe, expect, it } from "vitest";
import { formatDuration } from "@/components/format-duration";

describe("formatDuration", () => {
  it.each([
    [0, "0 min"],
    [60, "1 min"],
    [900, "15 min"],
    [3599, "1 h"],
    [3570, "1 h"],
    [3569, "59 min"],
    [3600, "1 h"],
    [5400, "1 h 30 min"],
    [7170, "2 h"],
    [7199, "2 h"],
    [7140, "1 h 59 min"],
    [43_200, "12 h"],
    [86_399, "24 h"],
  ])("%i s → %s (minutes carry into hours)", (seconds, expected) => {
    expect(formatDuration(seconds)).toBe(expected);
  });
});

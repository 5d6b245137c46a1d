import { describe, expect, it } from "vitest";

import { formatExpiryInput, parseExpiry } from "@/lib/admin/rule-expiry";

describe("a rule's expiry as the form shows and reads it (UTC)", () => {
  it("is shown as YYYY-MM-DD HH:MM in UTC, to the minute", () => {
    expect(formatExpiryInput(new Date("2030-01-31T18:00:59.999Z"))).toBe("2030-01-31 18:00");
    expect(formatExpiryInput(null)).toBe("");
  });

  it("reads back what it shows", () => {
    const shown = formatExpiryInput(new Date("2030-01-31T18:00:00Z"));
    expect(parseExpiry(shown)?.toISOString()).toBe("2030-01-31T18:00:00.000Z");
  });

  it.each([
    ["2030-01-31 18:00", "2030-01-31T18:00:00.000Z"],
    ["2030-01-31T18:00", "2030-01-31T18:00:00.000Z"],
    ["2030-01-31 18:00:30", "2030-01-31T18:00:30.000Z"],
    ["2030-01-31T20:00+02:00", "2030-01-31T18:00:00.000Z"],
  ])("takes %s as %s", (text, iso) => {
    expect(parseExpiry(text)?.toISOString()).toBe(iso);
  });

  it.each(["next tuesday", "2031-02-31 10:00", "2030-01-31 24:00", "31/01/2030 18:00", ""])(
    "refuses %j",
    (text) => {
      expect(parseExpiry(text)).toBeNull();
    },
  );

  it.each([
    "2031-02-30T00:00:00Z",
    "2031-02-31T10:00Z",
    "2031-04-31T00:00:00+02:00",
    "2031-02-28T24:00:00Z",
  ])("an ISO instant names a real date and time: refuses %j instead of rolling it over", (text) => {
    expect(parseExpiry(text)).toBeNull();
  });
});

// Times on the portal's pages read the same everywhere: UTC to the minute, the full instant kept
// in the <time> element's dateTime and, to the second, in its title. Shorter forms drop a part,
// never change how the rest is written, and never leave a bare time that could be any day.
import { createElement } from "react";
import { renderToStaticMarkup } from "react-dom/server";
import { describe, expect, it } from "vitest";
import { formatUtc, formatUtcShort, UtcTime, type UtcForm } from "@/components/utc-time";

const render = (value: Date | string) => renderToStaticMarkup(createElement(UtcTime, { value }));

describe("UtcTime", () => {
  it.each([
    ["a Date", new Date("2026-12-06T14:05:33.250Z")],
    ["an ISO string", "2026-12-06T14:05:33.250Z"],
    ["an ISO string with an offset", "2026-12-06T15:05:33.250+01:00"],
  ])("shows %s in UTC to the minute, with the full instant in dateTime and title", (_, value) => {
    expect(render(value)).toBe(
      '<time dateTime="2026-12-06T14:05:33.250Z" title="2026-12-06 14:05:33 UTC">2026-12-06 14:05 UTC</time>',
    );
  });

  it("refuses what is not a time rather than showing 'Invalid Date'", () => {
    expect(() => render("linked by an admin")).toThrow(RangeError);
  });
});

describe("formatUtc: one way to write each form of a moment", () => {
  const at = "2026-12-06T23:59:33.250Z";
  it.each<[UtcForm, string]>([
    ["minute", "2026-12-06 23:59 UTC"],
    ["second", "2026-12-06 23:59:33 UTC"],
    ["date", "2026-12-06"],
    ["time", "23:59 UTC"],
  ])("%s: %s", (form, written) => {
    expect(formatUtc(at, form)).toBe(written);
    expect(formatUtc(new Date(at), form)).toBe(written);
  });

  it("the day is UTC's, not the server's or the browser's time zone", () => {
    expect(formatUtc("2026-12-07T00:30:00+02:00", "date")).toBe("2026-12-06");
  });
});

describe("formatUtcShort: a time alone only on the day it names", () => {
  const now = "2026-12-06T09:00:00Z";
  it.each([
    ["later the same UTC day", "2026-12-06T14:05:00Z", "14:05 UTC"],
    ["the next day, earlier in the day than now", "2026-12-07T08:00:00Z", "2026-12-07"],
    ["months ahead", "2027-03-01T00:00:00Z", "2027-03-01"],
  ])("%s: %s", (_, value, written) => {
    expect(formatUtcShort(value, now)).toBe(written);
  });

  it("UtcTime with now: the short form, still the full instant in dateTime and title", () => {
    expect(
      renderToStaticMarkup(createElement(UtcTime, { value: "2026-12-07T08:00:00Z", now })),
    ).toBe(
      '<time dateTime="2026-12-07T08:00:00.000Z" title="2026-12-07 08:00:00 UTC">2026-12-07</time>',
    );
  });
});

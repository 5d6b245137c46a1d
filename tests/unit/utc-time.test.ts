// Times on the portal's pages read the same everywhere: UTC to the minute, the full instant kept
// in the <time> element's dateTime and, to the second, in its title.
import { createElement } from "react";
import { renderToStaticMarkup } from "react-dom/server";
import { describe, expect, it } from "vitest";
import { UtcTime } from "@/components/utc-time";

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

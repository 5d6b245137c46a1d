// A browser that meets a shed request or a replica waiting for migrations gets a page, not JSON
// (docs/OPERATIONS.md "Overload"); every other client keeps the API's JSON error.
import { describe, expect, it } from "vitest";
import { unavailablePage, wantsPage } from "@/lib/http/load-shedding";

describe("who gets the page instead of JSON", () => {
  it.each<[string, string | undefined, boolean]>([
    [
      "Chromium's navigation",
      "text/html,application/xhtml+xml,application/xml;q=0.9,image/avif,image/webp,*/*;q=0.8",
      true,
    ],
    [
      "Firefox's navigation",
      "text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8",
      true,
    ],
    ["HTML with parameters", "text/html; charset=utf-8", true],
    ["HTML listed second", "application/xhtml+xml, text/html", true],
    ["fetch's default", "*/*", false],
    ["the CLI", "application/json", false],
    ["no Accept header", undefined, false],
    ["an empty Accept header", "", false],
    ["Next.js's client-side navigation (RSC)", "text/x-component", false],
    ["a lookalike type", "text/htmlx", false],
    ["another text type", "text/plain", false],
  ])("%s → %s", (_name, accept, page) => {
    expect(wantsPage(accept)).toBe(page);
  });
});

describe("the page", () => {
  const page = unavailablePage("overloaded", "The portal is busy. Try again in a moment.", "req-1");

  it("says what happened, offers to try again, and names the request id", () => {
    expect(page).toContain("<title>Gatehouse is busy</title>");
    expect(page).toContain("The portal is busy. Try again in a moment.");
    expect(page).toContain('<a href="">Try again</a>');
    expect(page).toContain("Request id req-1");
  });

  it("needs nothing more from the server: no script, no stylesheet, no image", () => {
    expect(page).not.toMatch(/<script|<link|<img|src=/i);
  });

  it("escapes what it prints", () => {
    const hostile = unavailablePage("schema_outdated", `<img src=x onerror="alert(1)">`, `"&'`);
    expect(hostile).toContain("<title>Gatehouse is being updated</title>");
    expect(hostile).toContain("&lt;img src=x onerror=&quot;alert(1)&quot;&gt;");
    expect(hostile).toContain("Request id &quot;&amp;&#39;");
    expect(hostile).not.toContain("<img");
  });
});

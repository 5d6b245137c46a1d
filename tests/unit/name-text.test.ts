// A role's name on a phone may take two lines: it wraps between its words, never inside one that
// fits, and reads as the name.
import { createElement } from "react";
import { renderToStaticMarkup } from "react-dom/server";
import { describe, expect, it } from "vitest";
import { NameText, nameSegments } from "@/components/name-text";

describe("a name wraps between its words", () => {
  it.each([
    ["FederatedReadOnly", ["Federated", "Read", "Only"]],
    [
      "AWSReservedSSO_AdministratorAccess_0123abcd",
      ["AWS", "Reserved", "SSO_", "Administrator", "Access_", "0123abcd"],
    ],
    ["S3ReadOnly", ["S3", "Read", "Only"]],
    ["data-science.team+ops@corp", ["data-", "science.", "team+", "ops@", "corp"]],
    ["Administrator", ["Administrator"]],
    ["readonly", ["readonly"]],
    ["ABC", ["ABC"]],
    ["", [""]],
  ])("%s", (name, segments) => {
    expect(nameSegments(name)).toEqual(segments);
    expect(nameSegments(name).join("")).toBe(name);
  });

  it("renders the name's text with a <wbr> between its words, escaped", () => {
    const html = renderToStaticMarkup(createElement(NameText, { name: "<b>ReadOnly" }));
    expect(html).toBe("&lt;b&gt;Read<wbr/>Only");
  });
});

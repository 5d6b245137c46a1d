// ARNs in admin tables wrap after their separators, never inside a name, and read as the ARN.
import { createElement } from "react";
import { renderToStaticMarkup } from "react-dom/server";
import { describe, expect, it } from "vitest";
import { ArnText } from "@/components/arn-text";

const render = (arn: string) => renderToStaticMarkup(createElement(ArnText, { arn }));

describe("ArnText", () => {
  it.each([
    [
      "arn:aws:iam::210987654321:role/Administrator",
      "arn:<wbr/>aws:<wbr/>iam:<wbr/>:<wbr/>210987654321:<wbr/>role/<wbr/>Administrator",
    ],
    [
      "arn:aws:iam::210987654321:role/team/data/Analyst",
      "arn:<wbr/>aws:<wbr/>iam:<wbr/>:<wbr/>210987654321:<wbr/>role/<wbr/>team/<wbr/>data/<wbr/>Analyst",
    ],
    ["no-separators", "no-separators"],
  ])("%s may wrap only after ':' and '/'", (arn, inner) => {
    expect(render(arn)).toBe(`<span class="wrap-anywhere">${inner}</span>`);
  });

  it("escapes what it is given", () => {
    expect(render("arn:<b>")).toBe('<span class="wrap-anywhere">arn:<wbr/>&lt;b&gt;</span>');
  });
});

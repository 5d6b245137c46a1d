import { deflateRawSync } from "node:zlib";
import { describe, expect, it } from "vitest";
import { SamlRejection } from "@/lib/saml/types";
import { assertSafeXml, decodePostBinding, inflateRedirectBinding } from "@/lib/saml/xml-safety";
import {
  billionLaughs,
  deflateBomb,
  encodePostBinding,
  encodeRedirectBinding,
} from "@/tests/support/saml-fixtures";

const SAFE = { maxDepth: 32 };
const POST = { maxEncodedBytes: 4096, maxXmlBytes: 2048 };
const REDIRECT = { maxEncodedBytes: 4096, maxInflatedBytes: 2048 };

function reasonOf(act: () => unknown): string {
  try {
    act();
  } catch (error) {
    if (error instanceof SamlRejection) return error.reason;
    throw error;
  }
  return "accepted";
}

/**
 * Guards against catastrophic blow-up (entity expansion, quadratic scans, inflating a bomb), not a
 * benchmark: the bounds are far above the real cost (single-digit milliseconds, see
 * `npm run bench:saml`) so a loaded CI machine can't fail them, yet far below what an
 * expanding or quadratic implementation would take on these inputs.
 */
const BLOW_UP_GUARD_MS = 2000;

function timed(act: () => unknown): { reason: string; ms: number } {
  const started = performance.now();
  const reason = reasonOf(act);
  return { reason, ms: performance.now() - started };
}

describe("assertSafeXml refuses what no IdP sends, in one linear pass", () => {
  it.each([
    [
      "an XML declaration, attributes with '>' and quotes, CDATA holding markup",
      `<?xml version="1.0" encoding="UTF-8"?>\n<a x='1 > 0' y="it's"><b><![CDATA[<!-- not a comment --><!DOCTYPE x>]]></b>&lt;&#64;&#x41;</a>\n`,
    ],
    ["a byte-order mark", "\uFEFF<a/>"],
    ["depth exactly at the limit", `${"<e>".repeat(32)}${"</e>".repeat(32)}`],
  ])("accepts %s", (_name, xml) => {
    expect(() => assertSafeXml(xml, SAFE)).not.toThrow();
  });

  it.each([
    ["a DOCTYPE", '<!DOCTYPE a SYSTEM "file:///etc/passwd"><a/>', "doctype_or_entity"],
    ["an ENTITY declaration inside the root", '<a><!ENTITY x "y"></a>', "doctype_or_entity"],
    ["a reference to an undeclared entity", "<a>&xxe;</a>", "doctype_or_entity"],
    ["an undeclared entity in an attribute value", '<a b="&xxe;"/>', "doctype_or_entity"],
    ["a comment", "<a>x<!---->y</a>", "comment_in_message"],
    ["a comment before the root", "<!-- hi --><a/>", "comment_in_message"],
    ["a processing instruction", "<a><?php echo 1 ?></a>", "malformed_xml"],
    ["an XML declaration that is not first", ' <?xml version="1.0"?><a/>', "malformed_xml"],
    ["a second root element", "<a/><b/>", "malformed_xml"],
    ["text after the root", "<a/>x", "malformed_xml"],
    ["an unclosed element", "<a><b></a>", "malformed_xml"],
    ["an end tag without a start", "</a>", "malformed_xml"],
    ["no element at all", "   ", "malformed_xml"],
    ["a bare ampersand", "<a>AT&T</a>", "malformed_xml"],
    ["a malformed character reference", "<a>&#xZZ;</a>", "malformed_xml"],
    ["'<' in an attribute value", '<a b="<"/>', "malformed_xml"],
    ["a control character", "<a>\u0001</a>", "malformed_xml"],
    [
      "depth one past the limit (self-closing)",
      `${"<e>".repeat(32)}<e/>${"</e>".repeat(32)}`,
      "too_deeply_nested",
    ],
  ])("refuses %s", (_name, xml, reason) => {
    expect(reasonOf(() => assertSafeXml(xml, SAFE))).toBe(reason);
  });

  it("counts elements plus attributes against maxNodes", () => {
    const xml = '<a x="1" y="2"><b z="3"/></a>'; // 2 elements + 3 attributes
    expect(() => assertSafeXml(xml, { maxDepth: 8, maxNodes: 5 })).not.toThrow();
    expect(reasonOf(() => assertSafeXml(xml, { maxDepth: 8, maxNodes: 4 }))).toBe(
      "message_too_large",
    );
    expect(reasonOf(() => assertSafeXml('<a b="x=y"/>', { maxDepth: 8, maxNodes: 1 }))).toBe(
      "message_too_large",
    );
    expect(() => assertSafeXml('<a b="x=y"/>', { maxDepth: 8, maxNodes: 2 })).not.toThrow();
  });

  it("refuses billion laughs in milliseconds", () => {
    const { reason, ms } = timed(() =>
      assertSafeXml(
        billionLaughs(
          "<samlp:Response><saml:NameID>alice@corp.example</saml:NameID></samlp:Response>",
        ),
        SAFE,
      ),
    );
    expect(reason).toBe("doctype_or_entity");
    expect(ms).toBeLessThan(BLOW_UP_GUARD_MS);
  });

  it("refuses 100,000-deep and 1,000,000-deep nesting without blowing up", () => {
    for (const depth of [100_000, 1_000_000]) {
      const { reason, ms } = timed(() =>
        assertSafeXml(`${"<e>".repeat(depth)}${"</e>".repeat(depth)}`, SAFE),
      );
      expect(reason).toBe("too_deeply_nested");
      expect(ms).toBeLessThan(BLOW_UP_GUARD_MS);
    }
  });

  it.each([
    ["a megabyte of '&'", `<a>${"&".repeat(1_000_000)}</a>`],
    ["a megabyte of '&#'", `<a>${"&#".repeat(500_000)}</a>`],
    ["a megabyte of unterminated CDATA openers", `<a>${"<![CDATA[".repeat(100_000)}`],
    ["a megabyte of open attribute quotes", `<a b="${"x".repeat(1_000_000)}`],
    ["a megabyte of sibling elements", `<a>${"<b/>".repeat(250_000)}</a>`],
  ])("stays linear on %s", (_name, xml) => {
    const { ms } = timed(() => assertSafeXml(xml, SAFE));
    expect(ms).toBeLessThan(BLOW_UP_GUARD_MS);
  });

  it("a non-positive depth limit is a programming error", () => {
    expect(() => assertSafeXml("<a/>", { maxDepth: 0 })).toThrow(TypeError);
  });
});

describe("decodePostBinding", () => {
  it("decodes base64 with line breaks (IdPs wrap at 76 columns)", () => {
    const xml = `<a>${"x".repeat(200)}</a>`;
    expect(decodePostBinding(encodePostBinding(xml, { lineLength: 76 }), POST)).toBe(xml);
  });

  it.each([
    ["encoded input over the cap", "A".repeat(4100), "message_too_large"],
    ["decoded XML over the cap", encodePostBinding("x".repeat(2049)), "message_too_large"],
    ["characters outside base64", "PGE+<script>", "not_base64"],
    ["URL-safe base64", "PGE-Lz4_", "not_base64"],
    ["missing padding", "PGEvP", "not_base64"],
    ["non-canonical trailing bits", "PGE=".replace("E=", "F="), "not_base64"],
    ["an empty value", "", "not_base64"],
    [
      "bytes that are not UTF-8",
      Buffer.from([0x3c, 0x61, 0xff, 0x3e]).toString("base64"),
      "malformed_xml",
    ],
  ])("refuses %s", (_name, value, reason) => {
    expect(reasonOf(() => decodePostBinding(value, POST))).toBe(reason);
  });

  it("refuses a form field that is not a string (a file upload) as bad input", () => {
    expect(reasonOf(() => decodePostBinding({} as unknown as string, POST))).toBe("not_base64");
  });
});

describe("inflateRedirectBinding", () => {
  it("inflates a Redirect-binding payload up to exactly the cap", () => {
    const xml = `<a>${"x".repeat(2048 - 7)}</a>`;
    expect(inflateRedirectBinding(encodeRedirectBinding(xml), REDIRECT)).toBe(xml);
  });

  it("stops at the cap: one byte over is refused", () => {
    const xml = `<a>${"x".repeat(2048 - 6)}</a>`;
    expect(reasonOf(() => inflateRedirectBinding(encodeRedirectBinding(xml), REDIRECT))).toBe(
      "inflated_too_large",
    );
  });

  it("a deflate bomb (64 MiB from ~90 KB) is refused without inflating it", () => {
    const bomb = deflateBomb(64 * 1024 * 1024);
    const { reason, ms } = timed(() =>
      inflateRedirectBinding(bomb, { maxEncodedBytes: 256 * 1024, maxInflatedBytes: 256 * 1024 }),
    );
    expect(reason).toBe("inflated_too_large");
    expect(ms).toBeLessThan(BLOW_UP_GUARD_MS);
  });

  it.each([
    [
      "input that is not DEFLATE data",
      Buffer.from("plain text, not deflate").toString("base64"),
      "malformed_xml",
    ],
    ["an oversized encoded value", "A".repeat(4100), "message_too_large"],
    ["a value that is not base64", "*not base64*", "not_base64"],
    [
      "inflated bytes that are not UTF-8",
      deflateRawSync(Buffer.from([0xc3, 0x28])).toString("base64"),
      "malformed_xml",
    ],
  ])("refuses %s", (_name, value, reason) => {
    expect(reasonOf(() => inflateRedirectBinding(value, REDIRECT))).toBe(reason);
  });
});

import "server-only";
import { inflateRawSync } from "node:zlib";
import { SamlRejection } from "./types";

/**
 * Checks a SAML message must pass before any XML parser sees it: no DOCTYPE or entities, caps on
 * the encoded message size and on the inflated size, deep nesting refused — and the server stays
 * up. Everything here is linear in the input and never recurses, so a hostile message costs
 * at most one pass over at most the configured number of bytes.
 */

const BASE64 = /^[A-Za-z0-9+/]*={0,2}$/;
const BASE64_WHITESPACE = /[\t\n\r ]+/g;
// XML 1.0 forbids these characters anywhere; xmldom and libxml2 disagree on them, so refuse early.
const FORBIDDEN_CHARACTERS = /[\u0000-\u0008\u000B\u000C\u000E-\u001F\uFFFE\uFFFF]/;
const PREDEFINED_ENTITIES = new Set(["lt", "gt", "amp", "quot", "apos"]);
const MAX_ENTITY_NAME = 32;

function requireLimit(name: string, value: number): void {
  if (!Number.isSafeInteger(value) || value < 1) {
    throw new TypeError(`${name} must be a positive integer, got ${String(value)}`);
  }
}

/** Strict base64 (RFC 4648 §4, padded, canonical), tolerating the line breaks IdPs insert. */
function decodeBase64(encoded: string): Buffer {
  const compact = encoded.replace(BASE64_WHITESPACE, "");
  if (compact.length === 0 || compact.length % 4 !== 0 || !BASE64.test(compact)) {
    throw new SamlRejection("not_base64", "the message is not canonical base64");
  }
  const bytes = Buffer.from(compact, "base64");
  // Buffer's decoder ignores stray bits in the last group; a re-encode tells canonical from lenient.
  if (bytes.toString("base64") !== compact) {
    throw new SamlRejection("not_base64", "the message is not canonical base64");
  }
  return bytes;
}

function decodeUtf8(bytes: Buffer): string {
  try {
    return new TextDecoder("utf-8", { fatal: true }).decode(bytes);
  } catch {
    throw new SamlRejection("malformed_xml", "the message is not UTF-8");
  }
}

function checkEncodedInput(encoded: unknown, maxEncodedBytes: number): string {
  // Form fields can arrive as files or be missing: that is bad input, not a programming error.
  if (typeof encoded !== "string") {
    throw new SamlRejection("not_base64", "the message is not a string");
  }
  if (encoded.length > maxEncodedBytes) {
    throw new SamlRejection("message_too_large", `encoded message of ${encoded.length} characters`);
  }
  return encoded;
}

/**
 * Decodes an HTTP-POST binding `SAMLResponse` field into XML text.
 * @throws SamlRejection `message_too_large` (encoded input over `maxEncodedBytes` characters, or
 *   decoded XML over `maxXmlBytes` bytes), `not_base64`, `malformed_xml` (not UTF-8).
 * @throws TypeError when a limit is not a positive integer (a programming error).
 */
export function decodePostBinding(
  base64: string,
  opts: { maxEncodedBytes: number; maxXmlBytes: number },
): string {
  requireLimit("maxEncodedBytes", opts.maxEncodedBytes);
  requireLimit("maxXmlBytes", opts.maxXmlBytes);
  const bytes = decodeBase64(checkEncodedInput(base64, opts.maxEncodedBytes));
  if (bytes.length > opts.maxXmlBytes) {
    throw new SamlRejection("message_too_large", `decoded message of ${bytes.length} bytes`);
  }
  return decodeUtf8(bytes);
}

/**
 * Decodes an HTTP-Redirect binding parameter (already URL-decoded): base64, then raw DEFLATE.
 * Inflation stops as soon as the output passes `maxInflatedBytes` (zlib `maxOutputLength`), so a
 * deflate bomb costs no more than the cap.
 * @throws SamlRejection `message_too_large`, `not_base64`, `inflated_too_large`, `malformed_xml`
 *   (not DEFLATE data, or not UTF-8).
 * @throws TypeError when a limit is not a positive integer (a programming error).
 */
export function inflateRedirectBinding(
  base64: string,
  opts: { maxEncodedBytes: number; maxInflatedBytes: number },
): string {
  requireLimit("maxEncodedBytes", opts.maxEncodedBytes);
  requireLimit("maxInflatedBytes", opts.maxInflatedBytes);
  const compressed = decodeBase64(checkEncodedInput(base64, opts.maxEncodedBytes));
  let inflated: Buffer;
  try {
    inflated = inflateRawSync(compressed, { maxOutputLength: opts.maxInflatedBytes });
  } catch (error) {
    if ((error as { code?: unknown }).code === "ERR_BUFFER_TOO_LARGE") {
      throw new SamlRejection("inflated_too_large", `inflates past ${opts.maxInflatedBytes} bytes`);
    }
    throw new SamlRejection("malformed_xml", "the message is not raw DEFLATE data");
  }
  return decodeUtf8(inflated);
}

function isXmlWhitespace(code: number): boolean {
  return code === 0x20 || code === 0x09 || code === 0x0a || code === 0x0d;
}

function isNameCharacter(code: number): boolean {
  return (
    (code >= 0x61 && code <= 0x7a) || // a-z
    (code >= 0x41 && code <= 0x5a) || // A-Z
    (code >= 0x30 && code <= 0x39) || // 0-9
    code === 0x5f ||
    code === 0x2d ||
    code === 0x2e ||
    code === 0x3a || // _ - . :
    code > 0x7f
  );
}

/**
 * Checks the reference starting at `amp` (an "&"): character references and the five predefined
 * entities are fine; any other entity needs a DTD, which a SAML message never has. Looks at most
 * MAX_ENTITY_NAME characters ahead, so a run of "&" stays linear.
 */
function checkReference(xml: string, amp: number): void {
  if (xml.charCodeAt(amp + 1) === 0x23 /* # */) {
    // At most "&#x10FFFF;": a bounded look-ahead, never a search to the end of the text.
    const candidate = xml.slice(amp, amp + 12);
    if (!/^&#(?:[0-9]{1,7}|x[0-9A-Fa-f]{1,6});/.test(candidate)) {
      throw new SamlRejection("malformed_xml", "malformed character reference");
    }
    return;
  }
  let end = amp + 1;
  const limit = Math.min(xml.length, amp + 1 + MAX_ENTITY_NAME);
  while (end < limit && isNameCharacter(xml.charCodeAt(end))) end++;
  const name = xml.slice(amp + 1, end);
  if (xml.charCodeAt(end) !== 0x3b /* ; */ || name.length === 0) {
    throw new SamlRejection("malformed_xml", "a bare '&' or an overlong entity reference");
  }
  if (!PREDEFINED_ENTITIES.has(name)) {
    throw new SamlRejection(
      "doctype_or_entity",
      `reference to the undeclared entity ${name.slice(0, 32)}`,
    );
  }
}

/**
 * Refuses what no legitimate IdP sends and what XML attacks need, in one forward pass over the text
 * (no recursion, no backtracking): a DOCTYPE or any other markup declaration (`doctype_or_entity`,
 * which also covers references to entities other than the five predefined ones — billion laughs,
 * XXE), any comment (`comment_in_message`: comment injection into NameID or DigestValue; with
`allowComments`, for unsigned input such as IdP metadata, comments are skipped), processing
 * instructions other than a leading XML declaration and anything else that is not well-formed at
 * this level — a second root element, text outside the root, unbalanced tags, forbidden control
 * characters (`malformed_xml`) — and elements nested deeper than `maxDepth` (`too_deeply_nested`;
 * the root is depth 1). With `maxNodes`, more than that many elements plus attributes (namespace
 * declarations included) is `message_too_large`: xml-crypto's ID lookup and canonicalization cost
 * grows with every node of the document and runs before the signature is known to be bad, so
 * markup no IdP sends must stop here. Passing this check does not make the text well-formed.
 * @throws SamlRejection with the reasons above.
 * @throws TypeError when a limit is not a positive integer (a programming error).
 */
export function assertSafeXml(
  xml: string,
  opts: { maxDepth: number; maxNodes?: number; allowComments?: boolean },
): void {
  requireLimit("maxDepth", opts.maxDepth);
  const maxNodes = opts.maxNodes ?? Number.MAX_SAFE_INTEGER;
  requireLimit("maxNodes", maxNodes);
  let nodes = 0;
  if (typeof xml !== "string") throw new TypeError("assertSafeXml: xml must be a string");
  if (FORBIDDEN_CHARACTERS.test(xml)) {
    throw new SamlRejection("malformed_xml", "a character XML forbids");
  }
  const length = xml.length;
  let i = xml.charCodeAt(0) === 0xfeff ? 1 : 0;
  if (xml.startsWith("<?xml", i) && isXmlWhitespace(xml.charCodeAt(i + 5))) {
    const end = xml.indexOf("?>", i);
    if (end < 0) throw new SamlRejection("malformed_xml", "unterminated XML declaration");
    i = end + 2;
  }
  let depth = 0;
  let hasRoot = false;
  // The next "&" at or after the scan position, found once: searching afresh for every text node
  // would rescan the rest of the message each time (quadratic on a million empty elements).
  let nextAmp = xml.indexOf("&", i);
  while (i < length) {
    const lt = xml.indexOf("<", i);
    const textEnd = lt < 0 ? length : lt;
    if (depth === 0) {
      for (let k = i; k < textEnd; k++) {
        if (!isXmlWhitespace(xml.charCodeAt(k))) {
          throw new SamlRejection("malformed_xml", "text outside the root element");
        }
      }
    } else {
      while (nextAmp >= 0 && nextAmp < textEnd) {
        // An "&" before i was inside a tag (checked there) or a CDATA section (not a reference).
        if (nextAmp >= i) checkReference(xml, nextAmp);
        nextAmp = xml.indexOf("&", nextAmp + 1);
      }
    }
    if (lt < 0) break;
    const next = xml.charCodeAt(lt + 1);
    if (next === 0x21 /* ! */) {
      if (xml.startsWith("<!--", lt)) {
        if (!opts.allowComments)
          throw new SamlRejection("comment_in_message", "the message contains a comment");
        const end = xml.indexOf("-->", lt + 4);
        if (end < 0) throw new SamlRejection("malformed_xml", "unterminated comment");
        i = end + 3;
        continue;
      }
      if (xml.startsWith("<![CDATA[", lt)) {
        if (depth === 0) throw new SamlRejection("malformed_xml", "CDATA outside the root element");
        const end = xml.indexOf("]]>", lt + 9);
        if (end < 0) throw new SamlRejection("malformed_xml", "unterminated CDATA section");
        i = end + 3;
        continue;
      }
      throw new SamlRejection(
        "doctype_or_entity",
        "the message contains a markup declaration (DOCTYPE/ENTITY)",
      );
    }
    if (next === 0x3f /* ? */) {
      throw new SamlRejection(
        "malformed_xml",
        "processing instruction other than the XML declaration",
      );
    }
    if (next === 0x2f /* / */) {
      const end = xml.indexOf(">", lt);
      if (end < 0 || depth === 0) throw new SamlRejection("malformed_xml", "unbalanced end tag");
      depth--;
      i = end + 1;
      continue;
    }
    if (depth === 0 && hasRoot) {
      throw new SamlRejection("malformed_xml", "more than one root element");
    }
    // A start tag: find its ">" outside attribute values, checking references in the values.
    let j = lt + 1;
    let quote = 0;
    for (; j < length; j++) {
      const c = xml.charCodeAt(j);
      if (quote !== 0) {
        if (c === quote) quote = 0;
        else if (c === 0x3c) throw new SamlRejection("malformed_xml", "'<' in an attribute value");
        else if (c === 0x26) checkReference(xml, j);
      } else if (c === 0x22 || c === 0x27) {
        quote = c;
      } else if (c === 0x3d /* = */) {
        nodes++; // one "=" outside quotes per attribute
      } else if (c === 0x3e /* > */) {
        break;
      } else if (c === 0x3c) {
        throw new SamlRejection("malformed_xml", "'<' inside a tag");
      }
    }
    if (j >= length) throw new SamlRejection("malformed_xml", "unterminated start tag");
    if (depth + 1 > opts.maxDepth) {
      throw new SamlRejection("too_deeply_nested", `elements nested deeper than ${opts.maxDepth}`);
    }
    nodes++;
    if (nodes > maxNodes) {
      throw new SamlRejection("message_too_large", `more than ${maxNodes} elements and attributes`);
    }
    hasRoot = true;
    if (xml.charCodeAt(j - 1) !== 0x2f /* / */) depth++;
    i = j + 1;
  }
  if (!hasRoot || depth !== 0) {
    throw new SamlRejection("malformed_xml", hasRoot ? "unclosed elements" : "no root element");
  }
}

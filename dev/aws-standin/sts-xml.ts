/**
 * STS and IAM responses in the Query protocol's XML. Everything goes through fast-xml-parser's builder,
 * which escapes text and attributes; characters XML 1.0 cannot carry at all (controls, lone
 * surrogates) are replaced first, because a caller-supplied session name echoed in an error
 * message must never make the SDK's parser fail.
 */
import { XMLBuilder } from "fast-xml-parser";
import type { StsError } from "./sts-errors";

export const STS_NAMESPACE = "https://sts.amazonaws.com/doc/2011-06-15/";

/**
 * An element tree: objects are elements, strings and numbers are text, an array repeats the
 * element (IAM's `<member>` lists), undefined is omitted.
 */
export interface XmlElement {
  [name: string]: string | number | XmlElement | XmlElement[] | undefined;
}

const builder = new XMLBuilder({
  ignoreAttributes: false,
  attributeNamePrefix: "@_",
  suppressEmptyNode: false,
});

// Anything outside the XML 1.0 Char production.
const NOT_XML_CHAR = /[^\u0009\u000A\u000D\u0020-\uD7FF\uE000-\uFFFD\u{10000}-\u{10FFFF}]/gu;

/** `<{Action}Response xmlns=…><{Action}Result>…</…><ResponseMetadata><RequestId>…` */
export function renderStsResult(action: string, result: XmlElement, requestId: string): string {
  return renderQueryResult(STS_NAMESPACE, action, result, requestId);
}

/** `<ErrorResponse xmlns=…><Error><Type/><Code/><Message/></Error><RequestId/></ErrorResponse>` */
export function renderStsError(error: StsError, requestId: string): string {
  return renderQueryError(STS_NAMESPACE, error, requestId);
}

/** A Query-protocol result in a service's namespace (STS's, IAM's). */
export function renderQueryResult(
  namespace: string,
  action: string,
  result: XmlElement,
  requestId: string,
): string {
  return render({
    [`${action}Response`]: {
      "@_xmlns": namespace,
      [`${action}Result`]: result,
      ResponseMetadata: { RequestId: requestId },
    },
  });
}

/** A Query-protocol ErrorResponse in a service's namespace. */
export function renderQueryError(
  namespace: string,
  error: { faultType: "Sender" | "Receiver"; code: string; message: string },
  requestId: string,
): string {
  return render({
    ErrorResponse: {
      "@_xmlns": namespace,
      Error: { Type: error.faultType, Code: error.code, Message: error.message },
      RequestId: requestId,
    },
  });
}

function render(tree: XmlElement): string {
  return builder.build(sanitize(tree));
}

function sanitize(element: XmlElement): XmlElement {
  const out: XmlElement = {};
  for (const [name, value] of Object.entries(element)) {
    if (value === undefined) continue;
    if (typeof value === "string") out[name] = value.replace(NOT_XML_CHAR, "\uFFFD");
    else if (typeof value === "number") out[name] = value;
    else if (Array.isArray(value)) out[name] = value.map(sanitize);
    else out[name] = sanitize(value);
  }
  return out;
}

import "server-only";
import type { NextRequest } from "next/server";
import { AppError } from "@/lib/errors";

/**
 * Reads at most maxBytes of a stream, cancelling the rest: a huge or endless body costs no more
 * than the cap, never the server's memory. `tooLarge` makes the error the caller's users read.
 */
export async function readCappedBytes(
  body: ReadableStream<Uint8Array> | null,
  maxBytes: number,
  tooLarge: () => Error,
): Promise<Buffer> {
  if (!body) return Buffer.alloc(0);
  const reader = body.getReader();
  const chunks: Uint8Array[] = [];
  let size = 0;
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    size += value.byteLength;
    if (size > maxBytes) {
      await reader.cancel().catch(() => undefined);
      throw tooLarge();
    }
    chunks.push(value);
  }
  return Buffer.concat(chunks);
}

/** Reads at most maxBytes of the body, refusing (without buffering the rest) anything larger. */
export async function readCappedText(request: NextRequest, maxBytes: number): Promise<string> {
  const tooLarge = () =>
    new AppError("payload_too_large", `The request body is larger than ${maxBytes} bytes.`);
  const declared = Number(request.headers.get("content-length") ?? "0");
  if (Number.isFinite(declared) && declared > maxBytes) throw tooLarge();
  const bytes = await readCappedBytes(request.body, maxBytes, tooLarge);
  try {
    return new TextDecoder("utf-8", { fatal: true }).decode(bytes);
  } catch {
    // Decoding leniently would store U+FFFD in place of what was sent: refuse instead.
    throw new AppError("validation_error", "The request body is not valid UTF-8.");
  }
}

/**
 * A form body's %-escapes must decode to UTF-8 too: URLSearchParams would quietly turn `%FF` into
 * U+FFFD.
 */
function assertFormIsUtf8(text: string): void {
  for (const part of text.split(/[&=]/)) {
    try {
      decodeURIComponent(part.replace(/\+/g, " "));
    } catch {
      throw new AppError(
        "validation_error",
        "The form body has a %-escape that is invalid or not UTF-8.",
      );
    }
  }
}

/** Reads a small application/x-www-form-urlencoded body (e.g. a SAML POST binding), capped. */
export async function readFormBody(
  request: NextRequest,
  maxBytes: number,
): Promise<URLSearchParams> {
  const type = request.headers.get("content-type") ?? "";
  if (!type.toLowerCase().startsWith("application/x-www-form-urlencoded")) {
    throw new AppError("validation_error", "Send an application/x-www-form-urlencoded body.");
  }
  const text = await readCappedText(request, maxBytes);
  assertFormIsUtf8(text);
  return new URLSearchParams(text);
}

/**
 * A JSON endpoint reads a body only when it says it is JSON (application/json or any
 * application/*+json, whatever its parameters); an empty body needs no type.
 */
export function assertJsonContentType(request: NextRequest): void {
  const type = (request.headers.get("content-type") ?? "")
    .split(";", 1)[0]!
    .trim()
    .toLowerCase()
    .slice(0, 80);
  if (type === "application/json" || /^application\/[\w.+-]+\+json$/.test(type)) return;
  throw new AppError(
    "unsupported_media_type",
    `Send the request body as JSON with Content-Type: application/json${type ? ` (not ${type})` : ""}.`,
  );
}

import "server-only";
import type { NextRequest } from "next/server";
import { AppError } from "@/lib/errors";

/** Reads at most maxBytes of the body, refusing (without buffering the rest) anything larger. */
export async function readCappedText(request: NextRequest, maxBytes: number): Promise<string> {
  const tooLarge = () =>
    new AppError("payload_too_large", `The request body is larger than ${maxBytes} bytes.`);
  const declared = Number(request.headers.get("content-length") ?? "0");
  if (Number.isFinite(declared) && declared > maxBytes) throw tooLarge();
  if (!request.body) return "";
  const reader = request.body.getReader();
  const chunks: Uint8Array[] = [];
  let size = 0;
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    size += value.byteLength;
    if (size > maxBytes) {
      await reader.cancel();
      throw tooLarge();
    }
    chunks.push(value);
  }
  return new TextDecoder("utf-8", { fatal: false }).decode(Buffer.concat(chunks));
}

/** Reads a small application/x-www-form-urlencoded body (e.g. a SAML POST binding), capped. */
export async function readFormBody(
  request: NextRequest,
  maxBytes: number,
): Promise<URLSearchParams> {
  const type = request.headers.get("content-type") ?? "";
  if (!type.toLowerCase().startsWith("application/x-www-form-urlencoded")) {
    throw new AppError("validation_error", "Expected a form post.");
  }
  return new URLSearchParams(await readCappedText(request, maxBytes));
}

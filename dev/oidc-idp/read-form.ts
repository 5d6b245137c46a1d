/** Reading a posted interaction form, bounded in size. */
import type { IncomingMessage } from "node:http";

import { BadRequest } from "./interaction-errors";

const MAX_FORM_BYTES = 8 * 1024;

export async function readForm(req: IncomingMessage): Promise<URLSearchParams> {
  const type = req.headers["content-type"]?.split(";")[0]?.trim().toLowerCase();
  if (type !== "application/x-www-form-urlencoded") {
    throw new BadRequest(415, "The form must be posted as application/x-www-form-urlencoded.");
  }
  const declared = Number(req.headers["content-length"] ?? 0);
  if (!Number.isFinite(declared) || declared > MAX_FORM_BYTES) {
    throw new BadRequest(413, "The form is too large.");
  }
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of req as AsyncIterable<Buffer>) {
    size += chunk.length;
    if (size > MAX_FORM_BYTES) throw new BadRequest(413, "The form is too large.");
    chunks.push(chunk);
  }
  return new URLSearchParams(Buffer.concat(chunks).toString("utf8"));
}

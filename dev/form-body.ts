/** Reading a posted urlencoded form, bounded in size, for the demo IdPs (dev/oidc-idp, dev/saml-idp). */
import type { IncomingMessage } from "node:http";

/** How an IdP words a refusal: 415 for another content type, 413 for a form over the cap. */
export type FormRefusal = (status: 413 | 415, userMessage: string) => Error;

/** Reads an urlencoded form body, refusing other types and anything larger than `maxBytes`. */
export async function readFormBody(
  req: IncomingMessage,
  maxBytes: number,
  refuse: FormRefusal,
): Promise<URLSearchParams> {
  const type = req.headers["content-type"]?.split(";")[0]?.trim().toLowerCase();
  if (type !== "application/x-www-form-urlencoded") {
    throw refuse(415, "The form must be posted as application/x-www-form-urlencoded.");
  }
  const declared = Number(req.headers["content-length"] ?? 0);
  if (!Number.isFinite(declared) || declared > maxBytes) {
    throw refuse(413, "The form is too large.");
  }
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of req as AsyncIterable<Buffer>) {
    size += chunk.length;
    if (size > maxBytes) throw refuse(413, "The form is too large.");
    chunks.push(chunk);
  }
  return new URLSearchParams(Buffer.concat(chunks).toString("utf8"));
}

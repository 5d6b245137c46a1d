import { deflateRawSync } from "node:zlib";

/** The HTTP-POST binding's SAMLResponse form value for `xml` (base64 of the UTF-8 bytes). */
export function encodePostBinding(xml: string, opts: { lineLength?: number } = {}): string {
  const encoded = Buffer.from(xml, "utf8").toString("base64");
  // Some IdPs wrap base64 at 76 columns; the decoder must tolerate it.
  return opts.lineLength
    ? (encoded.match(new RegExp(`.{1,${opts.lineLength}}`, "g")) ?? []).join("\r\n")
    : encoded;
}

/** The HTTP-Redirect binding's parameter value for `xml` before URL-encoding (base64 of raw DEFLATE). */
export function encodeRedirectBinding(xml: string): string {
  return deflateRawSync(Buffer.from(xml, "utf8")).toString("base64");
}

/**
 * A deflate bomb: a small Redirect-binding value that inflates to `inflatedBytes` bytes of "<"
 * (about 1000:1; 64 MiB encodes to about 90 KiB of base64). Built in memory: keep it to tens of MiB.
 */
export function deflateBomb(inflatedBytes: number): string {
  return deflateRawSync(Buffer.alloc(inflatedBytes, 0x3c), { level: 9 }).toString("base64");
}

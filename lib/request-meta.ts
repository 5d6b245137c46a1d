/**
 * Who is asking, for audit and logs: the request id, the client address and the user agent. Built
 * once per request by the transport (lib/http/request-meta.ts reads it from HTTP headers); audit
 * and the rest of lib/ only read it, so they need nothing from lib/http.
 */
export interface RequestMeta {
  requestId: string;
  ip: string | null;
  userAgent: string | null;
  /**
   * Set when the request was made with a gatehouse CLI token (docs/API.md): every audit event the
   * request writes names the token's public id.
   */
  cliTokenId?: string;
}

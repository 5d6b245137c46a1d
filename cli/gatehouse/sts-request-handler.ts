import { Readable } from "node:stream";

import { REQUEST_TIMEOUT_MS } from "./portal-client";

/**
 * An AWS SDK request handler (the shape of @smithy/protocol-http's HttpHandler) that sends through
 * the CLI's fetch, so `whoami`'s STS call takes the same proxy as every portal call (docs/CLI.md
 * "Proxies"); the SDK's own handler uses node:https and ignores HTTPS_PROXY. Used only when a
 * proxy is set. STS's requests and answers are small, so bodies are strings and buffers.
 */

interface SdkRequest {
  method: string;
  protocol: string;
  hostname: string;
  port?: number;
  path: string;
  query?: Record<string, string | Array<string | null> | null>;
  headers: Record<string, string>;
  body?: unknown;
}

export function fetchRequestHandler(fetchImpl: typeof fetch) {
  return {
    metadata: { handlerProtocol: "http/1.1" },
    async handle(request: SdkRequest, options: { abortSignal?: unknown } = {}) {
      const port = request.port ? `:${request.port}` : "";
      const url = `${request.protocol}//${request.hostname}${port}${request.path}${queryString(request.query)}`;
      // fetch sets Host and Content-Length itself, to the values the SDK signed.
      const headers = Object.fromEntries(
        Object.entries(request.headers).filter(
          ([name]) => !["host", "content-length"].includes(name.toLowerCase()),
        ),
      );
      const signals = [AbortSignal.timeout(REQUEST_TIMEOUT_MS)];
      if (options.abortSignal instanceof AbortSignal) signals.push(options.abortSignal);
      const response = await fetchImpl(url, {
        method: request.method,
        headers,
        body: bodyOf(request.body) as BodyInit | undefined,
        redirect: "manual",
        signal: AbortSignal.any(signals),
      });
      const body = Buffer.from(await response.arrayBuffer());
      const responseHeaders: Record<string, string> = {};
      response.headers.forEach((value, name) => (responseHeaders[name] = value));
      return {
        response: {
          statusCode: response.status,
          reason: response.statusText,
          headers: responseHeaders,
          body: Readable.from([body]),
        },
      };
    },
    updateHttpClientConfig: () => undefined,
    httpHandlerConfigs: () => ({}),
    destroy: () => undefined,
  };
}

function bodyOf(body: unknown): string | Uint8Array | undefined {
  if (body === undefined || body === null) return undefined;
  if (typeof body === "string" || body instanceof Uint8Array) return body;
  throw new TypeError("the proxied AWS request handler sends only string or byte bodies");
}

/** The query as the SDK's own handler writes it: RFC 3986 escapes, keys in the given order. */
function queryString(query: SdkRequest["query"]): string {
  const escape = (text: string) =>
    encodeURIComponent(text).replace(
      /[!'()*]/g,
      (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`,
    );
  const parts: string[] = [];
  for (const [key, value] of Object.entries(query ?? {})) {
    for (const item of Array.isArray(value) ? value : [value]) {
      parts.push(item === null ? escape(key) : `${escape(key)}=${escape(item)}`);
    }
  }
  return parts.length === 0 ? "" : `?${parts.join("&")}`;
}

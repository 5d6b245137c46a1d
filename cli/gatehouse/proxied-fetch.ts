import fs from "node:fs";
import type { Dispatcher } from "undici";

import type { ProxyVariables } from "./cli-env";
import { CliError, EXIT, UsageError } from "./exit-codes";
import { type ProxyServer, proxyFor, proxySettings } from "./proxy-settings";

/**
 * A fetch that sends each request through the proxy proxy-settings.ts picks for its URL, with
 * undici's own fetch and ProxyAgent (undici is loaded only here). https:// goes through a CONNECT
 * tunnel, http:// as a plain proxied request, as curl and the AWS CLI send them; userinfo in the
 * proxy URL becomes `Proxy-Authorization: Basic`. TLS to the target trusts NODE_EXTRA_CA_CERTS
 * as Node's own fetch does, or, with AWS_CA_BUNDLE (`caBundlePath`), only that file's authorities.
 * @throws UsageError when a proxy variable is not a usable URL or the CA bundle is not a readable
 * PEM file, before anything is sent.
 */
export async function proxiedFetch(
  variables: ProxyVariables,
  caBundlePath?: string,
): Promise<typeof fetch> {
  const settings = proxySettings(variables);
  const tls = caBundlePath === undefined ? {} : { ca: readCaBundle(caBundlePath) };
  const undici = await import("undici");
  const direct = new undici.Agent({ connect: tls });
  const agents = new Map<ProxyServer, Dispatcher>();
  const agentFor = (server: ProxyServer): Dispatcher => {
    let agent = agents.get(server);
    if (!agent) {
      const tunnel = server === settings.https;
      agent = new undici.ProxyAgent({ uri: server.url.href, proxyTunnel: tunnel, requestTls: tls });
      agents.set(server, agent);
    }
    return agent;
  };
  return (async (input: string | URL, init: RequestInit = {}) => {
    const url = new URL(input);
    const server = proxyFor(url, settings);
    try {
      const response = await undici.fetch(url, {
        ...(init as Parameters<typeof undici.fetch>[1]),
        dispatcher: server ? agentFor(server) : direct,
      });
      // A plain proxied request (http://) gets the proxy's refusal as its answer.
      if (server && response.status === 407) {
        void response.body?.cancel().catch(() => undefined);
        throw refusal("407", server, url);
      }
      // undici's Response has the same interface as the global one (openid-client checks it
      // by its toStringTag, not by class).
      return response as unknown as Response;
    } catch (err) {
      if (err instanceof CliError) throw err;
      throw (server && proxyFailure(err, server, url)) ?? err;
    }
  }) as typeof fetch;
}

/** Codes of a connection that never reached the proxy (the only socket a proxied request opens). */
const UNREACHABLE = new Set([
  "ECONNREFUSED",
  "ENOTFOUND",
  "EAI_AGAIN",
  "EHOSTUNREACH",
  "ENETUNREACH",
  "ETIMEDOUT",
  "UND_ERR_CONNECT_TIMEOUT",
]);

/** A CliError naming the proxy for a failure that is the proxy's; undefined for any other. */
export function proxyFailure(err: unknown, server: ProxyServer, url: URL): CliError | undefined {
  // undici reports a refused CONNECT only in a message a few causes down (a DOMException "Request
  // was cancelled", then "Proxy response (407) !== 200 when HTTP Tunneling").
  for (let cause = err, depth = 0; cause instanceof Error && depth < 5; depth++) {
    const status = /^Proxy response \((\d{3})\)/.exec(cause.message)?.[1];
    if (status) return refusal(status, server, url);
    const code = (cause as { code?: unknown }).code;
    if (typeof code === "string" && UNREACHABLE.has(code)) {
      return new CliError(
        `cannot reach the proxy ${server.shown} (${server.variable}): ${code}`,
        EXIT.unavailable,
      );
    }
    cause = cause.cause;
  }
  return undefined;
}

function refusal(status: string, server: ProxyServer, url: URL): CliError {
  const hint =
    status !== "407"
      ? ""
      : server.url.username
        ? `: it refused the user name and password in ${server.variable}`
        : `: it wants a user name and password; put them in ${server.variable} as http://user:password@host:port`;
  return new CliError(
    `the proxy ${server.shown} (${server.variable}) answered HTTP ${status} when asked for ${url.host}${hint}`,
    EXIT.unavailable,
  );
}

/**
 * AWS_CA_BUNDLE's certificates. Like the AWS CLI, the file replaces the built-in authorities (a
 * bundle for a TLS-intercepting proxy must then hold every CA the CLI's hosts need); Node's
 * NODE_EXTRA_CA_CERTS adds to them instead.
 * @throws UsageError naming the variable when the file can't be read or holds no PEM certificate
 */
export function readCaBundle(file: string): string {
  let text: string;
  try {
    text = fs.readFileSync(file, "utf8");
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code ?? "unreadable";
    throw new UsageError(
      `AWS_CA_BUNDLE names ${JSON.stringify(file)}, which cannot be read (${code})`,
    );
  }
  if (!/-----BEGIN CERTIFICATE-----[\s\S]+?-----END CERTIFICATE-----/.test(text))
    throw new UsageError(
      `AWS_CA_BUNDLE names ${JSON.stringify(file)}, which holds no PEM certificate (-----BEGIN CERTIFICATE-----)`,
    );
  return text;
}

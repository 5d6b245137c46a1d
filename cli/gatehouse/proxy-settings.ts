import { BlockList, isIP } from "node:net";

import type { ProxyVariable, ProxyVariables } from "./cli-env";
import { UsageError } from "./exit-codes";
import { printable } from "./portal-client";

/**
 * Which proxy a request goes through, read from HTTP_PROXY / HTTPS_PROXY / NO_PROXY the way the AWS
 * CLI reads them (docs/CLI.md "Proxies"). Loaded only when one of them is set.
 */

export interface ProxyServer {
  /** What undici's ProxyAgent connects to (userinfo included: it sends Proxy-Authorization). */
  url: URL;
  /** The URL as messages show it: the password replaced by `****`. */
  shown: string;
  /** The variable it came from (`HTTPS_PROXY`, `https_proxy` …), for messages. */
  variable: string;
}

export interface ProxySettings {
  http: ProxyServer | undefined;
  https: ProxyServer | undefined;
  noProxy: NoProxy;
}

/**
 * @throws UsageError naming the variable when a proxy URL is not usable; the password never
 * appears in the message.
 */
export function proxySettings(variables: ProxyVariables): ProxySettings {
  return {
    http: variables.http && proxyServer(variables.http),
    https: variables.https && proxyServer(variables.https),
    noProxy: parseNoProxy(variables.noProxy?.value ?? ""),
  };
}

/**
 * The proxy for `url`, or undefined to connect directly. http:// URLs use HTTP_PROXY and https://
 * ones HTTPS_PROXY, neither standing in for the other (as the AWS CLI and curl; undici's
 * EnvHttpProxyAgent would send https through HTTP_PROXY). This machine is never reached through a
 * proxy: a proxy elsewhere cannot reach it, and a plain-http portal is allowed only because its
 * token then never leaves the machine (portal-url.ts).
 */
export function proxyFor(url: URL, settings: ProxySettings): ProxyServer | undefined {
  const server = url.protocol === "https:" ? settings.https : settings.http;
  if (server === undefined || isLoopback(url.hostname)) return undefined;
  const port = url.port ? Number(url.port) : url.protocol === "https:" ? 443 : 80;
  return bypasses(settings.noProxy, url.hostname, port) ? undefined : server;
}

function proxyServer({ name, value }: ProxyVariable): ProxyServer {
  // No scheme means http://, as the AWS CLI and curl read `proxy.corp:3128`.
  const raw = /^[a-z][a-z0-9+.-]*:\/\//i.test(value) ? value : `http://${value}`;
  const refuse = (why: string) =>
    new UsageError(`${name} is not a usable proxy URL (${why}): ${JSON.stringify(masked(value))}`);
  let url: URL;
  try {
    url = new URL(raw);
  } catch {
    throw refuse("it does not parse; the form is http://[user:password@]host:port");
  }
  if (url.protocol !== "http:" && url.protocol !== "https:") {
    throw refuse(`only http:// and https:// proxies are supported, not ${url.protocol}//`);
  }
  if (url.hostname === "") throw refuse("it names no host");
  try {
    decodeURIComponent(url.username);
    decodeURIComponent(url.password);
  } catch {
    throw refuse("the user name or password has a broken %-escape");
  }
  const userinfo = url.username ? `${url.username}${url.password ? ":****" : ""}@` : "";
  return { url, shown: `${url.protocol}//${userinfo}${url.host}`, variable: name };
}

/**
 * `value` with everything between the first `:` of the userinfo and the last `@` replaced, for a
 * URL that did not parse (so URL cannot say where the password is). Masks too much rather than
 * too little: a password may itself hold `@`, `/` or `:`.
 */
export function masked(value: string): string {
  const start = value.includes("://") ? value.indexOf("://") + 3 : 0;
  const at = value.lastIndexOf("@");
  if (at < start) return printable(value);
  const colon = value.indexOf(":", start);
  const userEnd = colon === -1 || colon > at ? at : colon;
  return printable(
    `${value.slice(0, userEnd)}${colon === -1 || colon > at ? "" : ":****"}${value.slice(at)}`,
  );
}

export interface NoProxy {
  all: boolean;
  /** Host names without a leading `.` or `*.`, each with the port it is limited to (0: any). */
  names: Array<{ name: string; port: number }>;
  /** IP entries, single addresses and CIDR blocks, with their port (0: any). */
  addresses: Array<{ block: BlockList; port: number }>;
}

/**
 * NO_PROXY: entries separated by commas (or spaces). `*` alone bypasses every proxy; `host`,
 * `.domain` and `*.domain` match the name and every name below it, never a name that merely ends
 * the same (`corp.internal` does not match `evilcorp.internal`); `host:port` only that port; an IP
 * address or CIDR block (`10.0.0.0/8`, `fd00::/8`) the addresses in it, written as IPs in the URL.
 */
export function parseNoProxy(value: string): NoProxy {
  const result: NoProxy = { all: false, names: [], addresses: [] };
  for (const entry of value.toLowerCase().split(/[\s,]+/)) {
    if (entry === "") continue;
    if (entry === "*") {
      result.all = true;
      continue;
    }
    const { host, port } = splitPort(entry);
    const [address, prefix] = host.split("/", 2) as [string, string | undefined];
    const family = isIP(address);
    if (family !== 0) {
      const block = new BlockList();
      const type = family === 6 ? "ipv6" : "ipv4";
      const bits = prefix === undefined ? NaN : Number(prefix);
      if (Number.isInteger(bits) && bits >= 0 && bits <= (family === 6 ? 128 : 32)) {
        block.addSubnet(address, bits, type);
      } else {
        block.addAddress(address, type);
      }
      result.addresses.push({ block, port });
    } else {
      const name = host.replace(/^\*?\.+/, "").replace(/\.+$/, "");
      if (name !== "") result.names.push({ name, port });
    }
  }
  return result;
}

/** `host:port`, `[v6]:port`, `[v6]`, a bare IPv6 address (no port) or a bare name. */
function splitPort(entry: string): { host: string; port: number } {
  const bracketed = /^\[([^\]]+)\](?::(\d+))?$/.exec(entry);
  if (bracketed) return { host: bracketed[1] as string, port: Number(bracketed[2] ?? 0) };
  const withPort = /^([^:]+):(\d+)$/.exec(entry);
  if (withPort) return { host: withPort[1] as string, port: Number(withPort[2]) };
  return { host: entry, port: 0 };
}

export function bypasses(noProxy: NoProxy, hostname: string, port: number): boolean {
  if (noProxy.all) return true;
  const host = hostname
    .toLowerCase()
    .replace(/^\[|\]$/g, "")
    .replace(/\.+$/, "");
  const family = isIP(host);
  if (family !== 0) {
    const type = family === 6 ? "ipv6" : "ipv4";
    return noProxy.addresses.some(
      (entry) => (entry.port === 0 || entry.port === port) && entry.block.check(host, type),
    );
  }
  return noProxy.names.some(
    (entry) =>
      (entry.port === 0 || entry.port === port) &&
      (host === entry.name || host.endsWith(`.${entry.name}`)),
  );
}

/** localhost, 127.0.0.0/8 and ::1: this machine, whatever NO_PROXY says. */
export function isLoopback(hostname: string): boolean {
  const host = hostname.toLowerCase().replace(/^\[|\]$/g, "");
  return host === "localhost" || host === "::1" || (isIP(host) === 4 && host.startsWith("127."));
}

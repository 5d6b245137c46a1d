/**
 * A small cookie jar for driving browser flows with plain `fetch` and `redirect: "manual"`:
 * stores `Set-Cookie` answers and produces the `Cookie` header a browser would send. It follows the
 * parts of RFC 6265 that matter between local test servers: host-only vs Domain cookies, Path
 * matching, Max-Age/Expires (including deletion), Secure (only over https). It ignores SameSite
 * (every request here is treated as same-site) and never rejects a cookie for its size.
 *
 *   const jar = new CookieJar();
 *   const res = await fetch(url, { redirect: "manual", headers: jar.headersFor(url) });
 *   jar.storeFrom(url, res);
 */
import { recordIssuedSecret } from "@/dev/secret-ledger";

export interface StoredCookie {
  name: string;
  value: string;
  /** Lower-cased host; with `hostOnly` false it also matches subdomains. */
  domain: string;
  hostOnly: boolean;
  path: string;
  /** Epoch milliseconds; undefined for a session cookie. */
  expiresAt?: number;
  secure: boolean;
  httpOnly: boolean;
  sameSite?: string;
}

export class CookieJar {
  #cookies: StoredCookie[] = [];
  readonly #now: () => number;

  /** `now` is injectable so tests of expiry can freeze the clock. */
  constructor(options: { now?: () => number } = {}) {
    this.#now = options.now ?? Date.now;
  }

  /** Stores every `Set-Cookie` header of a response received from `url`. */
  storeFrom(url: string | URL, response: Response): void {
    for (const header of response.headers.getSetCookie()) this.store(url, header);
  }

  /** Stores one `Set-Cookie` header value received from `url`; malformed or foreign-domain ones are ignored. */
  store(url: string | URL, setCookie: string): void {
    const requestUrl = new URL(url);
    const host = requestUrl.hostname.toLowerCase();
    const [pair = "", ...attributeParts] = setCookie.split(";");
    const eq = pair.indexOf("=");
    if (eq <= 0) return;
    const name = pair.slice(0, eq).trim();
    const value = pair.slice(eq + 1).trim();
    if (!name) return;
    if (name.endsWith("gatehouse.session") && value.length >= 16)
      recordIssuedSecret("session-cookie", value);

    const cookie: StoredCookie = {
      name,
      value,
      domain: host,
      hostOnly: true,
      path: defaultPath(requestUrl.pathname),
      secure: false,
      httpOnly: false,
    };
    for (const part of attributeParts) {
      const index = part.indexOf("=");
      const key = (index === -1 ? part : part.slice(0, index)).trim().toLowerCase();
      const attr = index === -1 ? "" : part.slice(index + 1).trim();
      switch (key) {
        case "domain": {
          const domain = attr.replace(/^\./, "").toLowerCase();
          if (!domain) break;
          if (!domainMatches(host, domain)) return; // a server may not set cookies for another site
          cookie.domain = domain;
          cookie.hostOnly = false;
          break;
        }
        case "path":
          cookie.path = attr.startsWith("/") ? attr : defaultPath(requestUrl.pathname);
          break;
        case "max-age": {
          const seconds = Number(attr);
          if (/^-?\d+$/.test(attr))
            cookie.expiresAt = seconds <= 0 ? 0 : this.#now() + seconds * 1000;
          break;
        }
        case "expires": {
          // Max-Age wins over Expires whatever their order.
          const hasMaxAge = attributeParts.some((p) =>
            p.trim().toLowerCase().startsWith("max-age="),
          );
          const at = Date.parse(attr);
          if (!hasMaxAge && !Number.isNaN(at)) cookie.expiresAt = at;
          break;
        }
        case "secure":
          cookie.secure = true;
          break;
        case "httponly":
          cookie.httpOnly = true;
          break;
        case "samesite":
          cookie.sameSite = attr;
          break;
        default:
          break;
      }
    }

    this.#cookies = this.#cookies.filter(
      (c) => !(c.name === cookie.name && c.domain === cookie.domain && c.path === cookie.path),
    );
    if (cookie.expiresAt === undefined || cookie.expiresAt > this.#now())
      this.#cookies.push(cookie);
  }

  /** The cookies a browser would send to `url`, longest path first (RFC 6265 §5.4). */
  cookiesFor(url: string | URL): StoredCookie[] {
    const target = new URL(url);
    const host = target.hostname.toLowerCase();
    const now = this.#now();
    this.#cookies = this.#cookies.filter((c) => c.expiresAt === undefined || c.expiresAt > now);
    return this.#cookies
      .filter((c) => (c.hostOnly ? c.domain === host : domainMatches(host, c.domain)))
      .filter((c) => pathMatches(target.pathname, c.path))
      .filter((c) => !c.secure || target.protocol === "https:")
      .sort((a, b) => b.path.length - a.path.length);
  }

  /** The `Cookie` header value for `url`, or undefined when no cookie applies. */
  headerFor(url: string | URL): string | undefined {
    const cookies = this.cookiesFor(url);
    return cookies.length ? cookies.map((c) => `${c.name}=${c.value}`).join("; ") : undefined;
  }

  /** `{ cookie }` for spreading into fetch headers; empty when no cookie applies. */
  headersFor(url: string | URL): Record<string, string> {
    const header = this.headerFor(url);
    return header ? { cookie: header } : {};
  }

  /** Every stored, unexpired cookie (for assertions). */
  all(): StoredCookie[] {
    const now = this.#now();
    return this.#cookies.filter((c) => c.expiresAt === undefined || c.expiresAt > now);
  }

  clear(): void {
    this.#cookies = [];
  }
}

function defaultPath(requestPath: string): string {
  if (!requestPath.startsWith("/")) return "/";
  const lastSlash = requestPath.lastIndexOf("/");
  return lastSlash <= 0 ? "/" : requestPath.slice(0, lastSlash);
}

function domainMatches(host: string, domain: string): boolean {
  return host === domain || (host.endsWith(`.${domain}`) && !/^\d+\.\d+\.\d+\.\d+$/.test(host));
}

function pathMatches(requestPath: string, cookiePath: string): boolean {
  if (requestPath === cookiePath) return true;
  if (!requestPath.startsWith(cookiePath)) return false;
  return cookiePath.endsWith("/") || requestPath.charAt(cookiePath.length) === "/";
}

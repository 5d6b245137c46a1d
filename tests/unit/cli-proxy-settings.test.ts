// Which requests of the gatehouse CLI take which proxy (docs/CLI.md "Proxies"): the variables as
// curl and the AWS CLI read them, NO_PROXY's entries, this machine's exemption, and proxy URLs
// that are refused without showing their password.
import { describe, expect, it } from "vitest";

import { readProxyVariables } from "@/cli/gatehouse/cli-env";
import { UsageError } from "@/cli/gatehouse/exit-codes";
import { masked, proxyFor, proxySettings } from "@/cli/gatehouse/proxy-settings";

const PROXY = "http://proxy.corp:3128";

/** "proxy" or "direct" for `url` with HTTPS_PROXY and HTTP_PROXY set and this NO_PROXY. */
function route(noProxy: string, url: string): "proxy" | "direct" {
  const variables = readProxyVariables({
    HTTPS_PROXY: PROXY,
    HTTP_PROXY: PROXY,
    NO_PROXY: noProxy,
  });
  return proxyFor(new URL(url), proxySettings(variables!)) ? "proxy" : "direct";
}

describe("NO_PROXY entries", () => {
  it.each([
    ["no NO_PROXY proxies everything", "", "https://portal.corp.example", "proxy"],
    ["a host matches itself", "portal.corp.example", "https://portal.corp.example", "direct"],
    ["a host matches the names below it", "corp.example", "https://portal.corp.example", "direct"],
    [
      "a .domain matches the names below it",
      ".corp.example",
      "https://portal.corp.example",
      "direct",
    ],
    ["a .domain matches the domain itself", ".corp.example", "https://corp.example", "direct"],
    ["a *.domain is a .domain", "*.corp.example", "https://a.b.corp.example", "direct"],
    [
      "a suffix that is not a whole label does not match",
      "corp.example",
      "https://evilcorp.example",
      "proxy",
    ],
    [
      "a name below the host does not match its parent",
      "portal.corp.example",
      "https://corp.example",
      "proxy",
    ],
    [
      "matching ignores letter case",
      "Portal.CORP.example",
      "https://PORTAL.corp.EXAMPLE",
      "direct",
    ],
    [
      "a trailing dot in the URL still matches",
      "corp.example",
      "https://portal.corp.example.",
      "direct",
    ],
    [
      "host:port matches that port",
      "portal.corp.example:8443",
      "https://portal.corp.example:8443",
      "direct",
    ],
    [
      "host:port matches the scheme's default port",
      "portal.corp.example:443",
      "https://portal.corp.example",
      "direct",
    ],
    [
      "host:port does not match another port",
      "portal.corp.example:8443",
      "https://portal.corp.example",
      "proxy",
    ],
    ["* alone bypasses every proxy", "*", "https://sts.amazonaws.com", "direct"],
    [
      "* among other entries bypasses every proxy",
      "localhost, *",
      "https://sts.amazonaws.com",
      "direct",
    ],
    [
      "entries are separated by commas and spaces",
      "a.example, corp.example b.example",
      "https://x.corp.example",
      "direct",
    ],
    [
      "an unrelated entry changes nothing",
      "localhost,.corp.internal",
      "https://sts.amazonaws.com",
      "proxy",
    ],
    ["an IP address matches that address", "10.1.2.3", "https://10.1.2.3", "direct"],
    ["an IP address does not match another", "10.1.2.3", "https://10.1.2.4", "proxy"],
    ["a CIDR block matches the addresses in it", "10.0.0.0/8", "https://10.200.0.1", "direct"],
    ["a CIDR block does not match those outside it", "10.0.0.0/8", "https://11.0.0.1", "proxy"],
    ["an IP entry does not match a name", "10.1.2.3", "https://portal.corp.example", "proxy"],
    ["an IPv6 address matches, bracketed or not", "fd00::2", "https://[fd00:0::2]:8443", "direct"],
    ["a bracketed IPv6 address with a port", "[fd00::2]:8443", "https://[fd00::2]:8443", "direct"],
    ["an IPv6 block", "fd00::/8", "https://[fd12::1]", "direct"],
  ])("%s (NO_PROXY=%j, %s → %s)", (_rule, noProxy, url, expected) => {
    expect(route(noProxy, url)).toBe(expected);
  });
});

describe("this machine is never reached through a proxy", () => {
  it.each([
    "http://localhost:3000",
    "https://LOCALHOST",
    "http://127.0.0.1:3000",
    "http://127.10.0.1",
    "http://[::1]:3000",
  ])("%s goes directly, whatever NO_PROXY says", (url) => {
    expect(route("", url)).toBe("direct");
  });

  it("a name that merely starts like localhost is proxied", () => {
    expect(route("", "https://localhost.corp.example")).toBe("proxy");
  });
});

describe("which variable applies", () => {
  it.each([
    ["https:// uses HTTPS_PROXY", { HTTPS_PROXY: PROXY }, "https://x.example", PROXY],
    ["http:// uses HTTP_PROXY", { HTTP_PROXY: PROXY }, "http://x.example", PROXY],
    [
      "HTTP_PROXY does not stand in for HTTPS_PROXY",
      { HTTP_PROXY: PROXY },
      "https://x.example",
      null,
    ],
    [
      "HTTPS_PROXY does not stand in for HTTP_PROXY",
      { HTTPS_PROXY: PROXY },
      "http://x.example",
      null,
    ],
    ["lower case is read", { https_proxy: PROXY }, "https://x.example", PROXY],
    [
      "lower case wins over upper case",
      { https_proxy: PROXY, HTTPS_PROXY: "http://other:1" },
      "https://x.example",
      PROXY,
    ],
    [
      "an empty lower case turns it off",
      { https_proxy: "", HTTPS_PROXY: PROXY },
      "https://x.example",
      null,
    ],
    [
      "lower-case no_proxy wins over upper case",
      { HTTPS_PROXY: PROXY, no_proxy: "y.example", NO_PROXY: "x.example" },
      "https://x.example",
      PROXY,
    ],
    ["no scheme means http://", { HTTPS_PROXY: "proxy.corp:3128" }, "https://x.example", PROXY],
  ])("%s", (_rule, variables, url, expected) => {
    const read = readProxyVariables(variables);
    const server = read && proxyFor(new URL(url), proxySettings(read));
    expect(server ? `${server.url.origin}` : null).toBe(expected);
  });

  it("no proxy variable: nothing to read, so nothing more is loaded", () => {
    expect(readProxyVariables({ NO_PROXY: "*", PATH: "/usr/bin" })).toBeUndefined();
    expect(readProxyVariables({ HTTPS_PROXY: " " })).toBeUndefined();
  });
});

describe("proxy URLs that are refused name the variable and never show the password", () => {
  it.each([
    [
      "a port that is not a number",
      "http://alice:s3cret@proxy.corp:port",
      'alice:****@proxy.corp:port"',
    ],
    ["a port out of range", "alice:s3cret@proxy.corp:99999", '"alice:****@proxy.corp:99999"'],
    ["no host", "http://alice:s3cret@:3128", '"http://alice:****@:3128"'],
    ["socks", "socks5://alice:s3cret@proxy.corp", "only http:// and https:// proxies"],
    ["a broken %-escape", "http://alice:s3cret%zz@proxy.corp:3128", "broken %-escape"],
  ])("%s", (_rule, value, shown) => {
    let error: unknown;
    try {
      proxySettings(readProxyVariables({ HTTPS_PROXY: value })!);
    } catch (err) {
      error = err;
    }
    expect(error).toBeInstanceOf(UsageError);
    const message = (error as Error).message;
    expect(message).toMatch(/^HTTPS_PROXY is not a usable proxy URL/);
    expect(message).toContain(shown);
    expect(message).not.toContain("s3cret");
  });

  it.each([
    ["http://user:pass@proxy:3128", "http://user:****@proxy:3128"],
    ["http://user:p@ss@proxy", "http://user:****@proxy"],
    ["user:pa/ss:x@proxy", "user:****@proxy"],
    ["http://user@proxy", "http://user@proxy"],
    ["http://proxy:3128", "http://proxy:3128"],
  ])("masked(%j) is %j", (value, expected) => {
    expect(masked(value)).toBe(expected);
  });

  it("a usable URL is shown with its password masked", () => {
    const settings = proxySettings(
      readProxyVariables({ HTTPS_PROXY: "http://a%40b:s3cret@proxy:3128/" })!,
    );
    expect(settings.https?.shown).toBe("http://a%40b:****@proxy:3128");
  });
});

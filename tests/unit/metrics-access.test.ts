import { describe, expect, it } from "vitest";
import { networkAllows, parseNetwork } from "@/lib/config/networks";
import { ConfigError, loadConfig } from "@/lib/config/load-config";
import { checkMetricsAccess } from "@/lib/metrics/metrics-access";

const LOOPBACK = ["127.0.0.1/32", "::1/128"];
const TOKEN = "scrape-token-0123456789";

describe("metrics are served only to an allowed network, or to the token's holder", () => {
  it.each([
    ["loopback IPv4", LOOPBACK, "127.0.0.1", true],
    ["loopback IPv6", LOOPBACK, "::1", true],
    ["IPv4-mapped loopback", LOOPBACK, "::ffff:127.0.0.1", true],
    ["another address", LOOPBACK, "10.1.2.3", false],
    ["no address known", LOOPBACK, null, false],
    ["inside a /8", ["10.0.0.0/8"], "10.200.3.4", true],
    ["outside a /8", ["10.0.0.0/8"], "11.0.0.1", false],
    ["a single address", ["192.0.2.7"], "192.0.2.7", true],
    ["its neighbour", ["192.0.2.7"], "192.0.2.8", false],
    ["IPv6 block", ["fd00::/8"], "fd12::1", true],
    ["not an address at all", LOOPBACK, "localhost", false],
  ] as const)("without a token: %s", (_name, allow, address, allowed) => {
    expect(
      checkMetricsAccess(
        { token: undefined, allow: [...allow] },
        { authorization: null, clientAddress: address, peerAddress: address },
      ).allowed,
    ).toBe(allowed);
  });

  // Behind trusted proxies the client address comes from X-Forwarded-For, which whoever connects
  // directly writes; a loopback sidecar proxy makes every visitor's connection loopback. Both
  // addresses must be allowed.
  it.each([
    ["a scraper connecting directly (no proxy)", "10.1.2.3", "10.1.2.3", true],
    ["a forwarded entry on the list from a connection off it", "10.1.2.3", "192.0.2.50", false],
    ["a connection on the list forwarding a visitor off it", "203.0.113.9", "10.9.9.9", false],
    ["both on the list", "10.1.2.3", "10.9.9.9", true],
    ["no connection address known", "10.1.2.3", null, false],
  ] as const)(
    "without a token, both the client's and the connection's address must be allowed: %s",
    (_name, clientAddress, peerAddress, allowed) => {
      expect(
        checkMetricsAccess(
          { token: undefined, allow: ["10.0.0.0/8"] },
          { authorization: null, clientAddress, peerAddress },
        ).allowed,
      ).toBe(allowed);
    },
  );

  it.each([
    ["no Authorization header", null, 401],
    ["a wrong token", `Bearer ${TOKEN}x`, 403],
    ["the token in another scheme", `Basic ${TOKEN}`, 401],
    ["a token prefix", `Bearer ${TOKEN.slice(0, 10)}`, 403],
  ] as const)(
    "with a token configured, %s is refused (%i), even from loopback",
    (_n, header, status) => {
      const access = checkMetricsAccess(
        { token: TOKEN, allow: LOOPBACK },
        { authorization: header, clientAddress: "127.0.0.1", peerAddress: "127.0.0.1" },
      );
      expect(access).toMatchObject({ allowed: false, status });
    },
  );

  it("with a token configured, its holder is served from any network", () => {
    expect(
      checkMetricsAccess(
        { token: TOKEN, allow: LOOPBACK },
        { authorization: `Bearer ${TOKEN}`, clientAddress: "203.0.113.9", peerAddress: "10.0.0.1" },
      ),
    ).toEqual({ allowed: true });
  });
});

describe("GATEHOUSE_METRICS_ALLOW and GATEHOUSE_METRICS_TOKEN are validated at start", () => {
  it.each(["10.0.0.0/33", "300.1.1.1", "10.0.0.0/8/1", "fd00::/129", "example.com", "10.0.0.0/x"])(
    "%s is not a network",
    (entry) => {
      expect(parseNetwork(entry)).toBeNull();
      expect(() => loadConfig({ ...baseEnv(), GATEHOUSE_METRICS_ALLOW: entry })).toThrow(
        ConfigError,
      );
    },
  );

  it("a token shorter than 16 characters is refused", () => {
    expect(() => loadConfig({ ...baseEnv(), GATEHOUSE_METRICS_TOKEN: "short" })).toThrow(
      /GATEHOUSE_METRICS_TOKEN/,
    );
  });

  it("the defaults: loopback only, no token, 128 requests in flight", () => {
    const config = loadConfig(baseEnv());
    expect(config.metrics).toEqual({ token: undefined, allow: LOOPBACK });
    expect(config.maxConcurrentRequests).toBe(64);
    expect(networkAllows(config.metrics.allow, "127.0.0.1")).toBe(true);
  });

  it.each(["0", "-1", "many", "100001"])("GATEHOUSE_MAX_CONCURRENT_REQUESTS=%s is refused", (v) => {
    expect(() => loadConfig({ ...baseEnv(), GATEHOUSE_MAX_CONCURRENT_REQUESTS: v })).toThrow(
      /GATEHOUSE_MAX_CONCURRENT_REQUESTS/,
    );
  });
});

function baseEnv(): Record<string, string> {
  return {
    NEXTAUTH_URL: "https://aws.corp.example",
    NEXTAUTH_SECRET: "s".repeat(32),
    GATEHOUSE_ADMIN_GROUP: "gatehouse-admins",
  };
}

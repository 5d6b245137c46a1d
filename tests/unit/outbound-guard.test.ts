import type dns from "node:dns";
import http from "node:http";
import type { AddressInfo } from "node:net";
import { afterAll, beforeAll, describe, expect, it } from "vitest";

import { guardedFetch, guardedLookup } from "@/lib/net/outbound-guard";
import { refusedAddressReason, refusedUrlReason } from "@/lib/net/refused-addresses";

/**
 * A URL an admin chose (an access-request webhook) is never sent to cloud instance metadata or an
 * address nothing legitimate listens on, whether written as an address, in another spelling of
 * it, or behind a name that resolves to it; loopback and private networks stay reachable.
 */

describe("addresses a webhook is never sent to", () => {
  it.each([
    ["the cloud metadata address", "169.254.169.254", "a link-local address"],
    ["ECS's task credentials address", "169.254.170.2", "a link-local address"],
    ["EC2's IPv6 metadata address", "fd00:ec2::254", "EC2's instance metadata address"],
    ["IPv6 link-local", "fe80::1", "a link-local address"],
    ["metadata written as IPv4-mapped IPv6", "::ffff:169.254.169.254", "a link-local address"],
    ["the same, in hex", "::ffff:a9fe:a9fe", "a link-local address"],
    ["the IPv4 unspecified address", "0.0.0.0", "an unspecified address"],
    ["the IPv6 unspecified address", "::", "an unspecified address"],
    ["IPv4 multicast", "224.0.0.1", "a multicast address"],
    ["IPv6 multicast", "ff02::1", "a multicast address"],
    ["broadcast", "255.255.255.255", "a reserved address"],
  ])("%s (%s)", (_rule, address, reason) => {
    expect(refusedAddressReason(address)).toMatch(new RegExp(`^${reason}`));
  });

  it.each([
    ["loopback", "127.0.0.1"],
    ["IPv6 loopback", "::1"],
    ["a private network (a company's own chat bridge)", "10.20.30.40"],
    ["another private network", "172.16.0.9"],
    ["a public address", "93.184.216.34"],
    ["a public IPv6 address", "2001:db8::1"],
    ["a name (checked when it resolves)", "hooks.corp.example"],
  ])("allowed: %s (%s)", (_rule, address) => {
    expect(refusedAddressReason(address)).toBeNull();
  });

  it.each([
    ["dotted", "http://169.254.169.254/latest/meta-data/"],
    ["one decimal number", "http://2852039166/latest/"],
    ["hex", "http://0xa9fea9fe/"],
    ["bracketed IPv6", "http://[fd00:ec2::254]/latest/"],
    ["IPv4-mapped IPv6", "https://[::ffff:169.254.169.254]/"],
  ])("a URL naming a refused address %s is refused", (_spelling, url) => {
    expect(refusedUrlReason(url)).toMatch(/ is (a link-local|EC2's instance metadata) address/);
  });
});

describe("a name is checked where the connection is made", () => {
  const resolver =
    (answer: string | dns.LookupAddress[]) =>
    (
      _host: string,
      _options: dns.LookupOptions,
      callback: (
        err: NodeJS.ErrnoException | null,
        a: string | dns.LookupAddress[],
        f?: number,
      ) => void,
    ) =>
      callback(null, answer, typeof answer === "string" ? 4 : undefined);
  const lookUp = (answer: string | dns.LookupAddress[], options: dns.LookupOptions = {}) =>
    new Promise<{ err: Error | null; address: unknown }>((resolve) =>
      guardedLookup(resolver(answer))("hooks.corp.example", options, (err, address) =>
        resolve({ err, address }),
      ),
    );

  it("a name resolving to the metadata address is refused, naming both", async () => {
    const { err } = await lookUp("169.254.169.254");
    expect(err?.message).toBe(
      "hooks.corp.example resolves to 169.254.169.254, a link-local address (where clouds serve instance metadata): not sent",
    );
  });

  it("with every address asked for, one refused address among them refuses the name", async () => {
    const { err } = await lookUp(
      [
        { address: "10.0.0.7", family: 4 },
        { address: "fd00:ec2::254", family: 6 },
      ],
      { all: true },
    );
    expect(err?.message).toMatch(/resolves to fd00:ec2::254, EC2's instance metadata address/);
  });

  it("a name resolving to a private address is looked up as before", async () => {
    expect(await lookUp("10.0.0.7")).toEqual({ err: null, address: "10.0.0.7" });
  });
});

describe("guardedFetch", () => {
  let server: http.Server;
  let port: number;
  let received = 0;
  beforeAll(async () => {
    server = http.createServer((_req, res) => {
      received += 1;
      res.writeHead(204).end();
    });
    await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
    port = (server.address() as AddressInfo).port;
  });
  afterAll(() => new Promise<void>((resolve) => server.close(() => resolve())));

  it("posts to loopback by name and by address", async () => {
    for (const host of ["127.0.0.1", "localhost"]) {
      const res = await guardedFetch(`http://${host}:${port}/hook`, { method: "POST", body: "{}" });
      expect(res.status).toBe(204);
    }
    expect(received).toBe(2);
  });

  it("refuses the metadata address before connecting", async () => {
    await expect(
      guardedFetch("http://169.254.169.254/latest/meta-data/", { method: "POST", body: "{}" }),
    ).rejects.toThrow(
      "169.254.169.254 is a link-local address (where clouds serve instance metadata): not sent",
    );
  });
});

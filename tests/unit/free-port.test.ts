// The test stacks pick the portal's port before the portal binds it (the IdPs must know its URL).
// A port from the kernel's ephemeral range could be taken by any outgoing connection in between,
// so freePort chooses below that range, never twice in one process, and only a bindable one.
import fs from "node:fs";
import net from "node:net";
import { describe, expect, it } from "vitest";
import { freePort, isPortFree } from "@/dev/ports";

function ephemeralFloor(): number {
  const [low] = fs
    .readFileSync("/proc/sys/net/ipv4/ip_local_port_range", "utf8")
    .trim()
    .split(/\s+/);
  return Number(low);
}

describe("freePort", () => {
  it("chooses ports below the kernel's ephemeral range, each once, each bindable", async () => {
    const ports: number[] = [];
    for (let i = 0; i < 50; i++) ports.push(await freePort());
    expect(new Set(ports).size).toBe(ports.length);
    for (const port of ports) expect(port).toBeLessThan(ephemeralFloor());
    for (const port of ports.slice(0, 5)) expect(await isPortFree(port)).toBe(true);
  });

  it("counts a port something listens on as taken", async () => {
    const server = net.createServer();
    await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
    try {
      const address = server.address();
      if (typeof address !== "object" || !address) throw new Error("no address");
      expect(await isPortFree(address.port)).toBe(false);
    } finally {
      await new Promise((resolve) => server.close(resolve));
    }
  });
});

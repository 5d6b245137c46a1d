// Ports for servers that must know their own address before they listen (the portal: the IdPs
// register its URL first), or that stop listening and must come back on the same port (the STS
// stand-in's refuseConnections fault).
import fs from "node:fs";
import net from "node:net";

/**
 * The lowest port the kernel hands out for outgoing connections and for listen(0). A port from
 * that range that is closed again can be handed to any other process on the machine before it is
 * bound again (EADDRINUSE); ports below it are only ever taken by an explicit bind.
 */
function ephemeralPortFloor(): number {
  try {
    const [low] = fs
      .readFileSync("/proc/sys/net/ipv4/ip_local_port_range", "utf8")
      .trim()
      .split(/\s+/);
    const parsed = Number(low);
    return Number.isInteger(parsed) && parsed > 1024 ? parsed : 32_768;
  } catch {
    return 32_768;
  }
}

const LOWEST_CHOSEN_PORT = 20_000;
const handedOutPorts = new Set<number>();

/**
 * A TCP port nothing listens on right now, for a server that binds it later. Chosen at random
 * below the ephemeral range — so no listen(0) or outgoing connection elsewhere on the machine
 * (two test tiers run side by side) can take it in the meantime — and never twice in one process.
 */
export async function freePort(): Promise<number> {
  const ceiling = ephemeralPortFloor();
  if (ceiling - LOWEST_CHOSEN_PORT >= 1_000) {
    for (let attempt = 0; attempt < 100; attempt++) {
      const port = LOWEST_CHOSEN_PORT + Math.floor(Math.random() * (ceiling - LOWEST_CHOSEN_PORT));
      if (handedOutPorts.has(port) || !(await isPortFree(port))) continue;
      handedOutPorts.add(port);
      return port;
    }
  }
  return kernelChosenPort();
}

function kernelChosenPort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = net.createServer();
    server.once("error", reject);
    server.listen(0, "127.0.0.1", () => {
      const address = server.address();
      server.close(() =>
        typeof address === "object" && address
          ? resolve(address.port)
          : reject(new Error("no port")),
      );
    });
  });
}

export async function isPortFree(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const server = net.createServer();
    server.once("error", () => resolve(false));
    server.listen(port, "127.0.0.1", () => server.close(() => resolve(true)));
  });
}

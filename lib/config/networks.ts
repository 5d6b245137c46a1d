import { BlockList, isIP } from "node:net";

export interface Network {
  address: string;
  prefix: number;
  family: "ipv4" | "ipv6";
}

/** An address ("10.0.0.7") or CIDR block ("10.0.0.0/8", "fd00::/8"), or null if it is neither. */
export function parseNetwork(entry: string): Network | null {
  const [address = "", prefixText, extra] = entry.trim().split("/");
  if (extra !== undefined) return null;
  const version = isIP(address);
  if (version === 0) return null;
  const max = version === 4 ? 32 : 128;
  if (prefixText !== undefined && !/^\d{1,3}$/.test(prefixText)) return null;
  const prefix = prefixText === undefined ? max : Number(prefixText);
  if (prefix > max) return null;
  return { address, prefix, family: version === 4 ? "ipv4" : "ipv6" };
}

/** Whether `address` lies in one of `entries` (validated by parseNetwork at start-up). */
export function networkAllows(entries: string[], address: string | null): boolean {
  if (!address) return false;
  const plain = address.replace(/^::ffff:/, "");
  const version = isIP(plain);
  if (version === 0) return false;
  const list = new BlockList();
  for (const entry of entries) {
    const network = parseNetwork(entry);
    if (network) list.addSubnet(network.address, network.prefix, network.family);
  }
  return list.check(plain, version === 4 ? "ipv4" : "ipv6");
}

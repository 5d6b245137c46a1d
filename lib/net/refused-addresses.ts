import net from "node:net";

/**
 * Addresses the portal never sends an outbound request to when someone else chose the URL (an
 * access-request webhook): link-local, where every cloud serves instance metadata and role
 * credentials (169.254.169.254, ECS's 169.254.170.2, EC2's fd00:ec2::254), and addresses nothing
 * legitimate listens on (unspecified, multicast, reserved, broadcast). Loopback and private
 * networks stay allowed: a company's own chat bridge often lives there (docs/SECURITY.md
 * "Outbound requests").
 */
const REFUSED: Array<{ reason: string; v4?: [string, number]; v6?: [string, number] }> = [
  {
    reason: "a link-local address (where clouds serve instance metadata)",
    v4: ["169.254.0.0", 16],
  },
  { reason: "a link-local address (where clouds serve instance metadata)", v6: ["fe80::", 10] },
  { reason: "EC2's instance metadata address", v6: ["fd00:ec2::254", 128] },
  { reason: "an unspecified address", v4: ["0.0.0.0", 8] },
  { reason: "an unspecified address", v6: ["::", 128] },
  { reason: "a multicast address", v4: ["224.0.0.0", 4] },
  { reason: "a multicast address", v6: ["ff00::", 8] },
  { reason: "a reserved address", v4: ["240.0.0.0", 4] },
];

const lists = REFUSED.map(({ reason, v4, v6 }) => {
  const list = new net.BlockList();
  if (v4) {
    list.addSubnet(v4[0], v4[1], "ipv4");
    // The same address written as IPv4-mapped IPv6 (::ffff:169.254.169.254) reaches it too.
    list.addSubnet(`::ffff:${v4[0]}`, 96 + v4[1], "ipv6");
  }
  if (v6) list.addSubnet(v6[0], v6[1], "ipv6");
  return { reason, list };
});

/** An IPv6 literal as a URL's host spells it (`[::1]`) without its brackets. */
function withoutBrackets(host: string): string {
  return host.replace(/^\[|\]$/g, "");
}

/** Why `address` (an IP literal) must not be sent to, or null when it may. */
export function refusedAddressReason(address: string): string | null {
  const bare = withoutBrackets(address);
  const family = net.isIPv4(bare) ? "ipv4" : net.isIPv6(bare) ? "ipv6" : null;
  if (family === null) return null;
  return lists.find(({ list }) => list.check(bare, family))?.reason ?? null;
}

/** Why a URL whose host is an IP literal must not be sent to, or null (names are checked when resolved). */
export function refusedUrlReason(url: string): string | null {
  let host: string;
  try {
    host = new URL(url).hostname;
  } catch {
    return null;
  }
  const reason = refusedAddressReason(host);
  return reason === null ? null : `${withoutBrackets(host)} is ${reason}`;
}

import dns from "node:dns";
import { Agent, fetch as undiciFetch } from "undici";
import { refusedAddressReason, refusedUrlReason } from "./refused-addresses";

export class RefusedDestinationError extends Error {
  constructor(message: string) {
    super(message);
    this.name = "RefusedDestinationError";
  }
}

type LookupCallback = (
  err: NodeJS.ErrnoException | null,
  address: string | dns.LookupAddress[],
  family?: number,
) => void;

type Resolve = (hostname: string, options: dns.LookupOptions, callback: LookupCallback) => void;

const systemResolve: Resolve = (hostname, options, callback) =>
  dns.lookup(hostname, options, callback);

/**
 * dns.lookup, refusing a name that resolves to a refused address: checked where the connection is
 * made, so a name that changes its answer between a check and the connect (DNS rebinding) can't
 * slip through.
 */
export function guardedLookup(resolve: Resolve = systemResolve): Resolve {
  return (hostname, options, callback) => {
    resolve(hostname, { ...options }, (err, address, family) => {
      if (err) return callback(err, address, family);
      const addresses = Array.isArray(address) ? address.map((a) => a.address) : [address];
      for (const each of addresses) {
        const reason = refusedAddressReason(each);
        if (reason)
          return callback(
            new RefusedDestinationError(`${hostname} resolves to ${each}, ${reason}: not sent`),
            address,
            family,
          );
      }
      callback(null, address, family);
    });
  };
}

let agent: Agent | undefined;

/**
 * fetch for URLs someone other than the operator chose: refuses a literal refused address before
 * connecting, and a name that resolves to one when connecting.
 */
export const guardedFetch: typeof fetch = async (input, init) => {
  const url = typeof input === "string" ? input : input instanceof URL ? input.href : input.url;
  const refused = refusedUrlReason(url);
  if (refused) throw new RefusedDestinationError(`${refused}: not sent`);
  agent ??= new Agent({ connect: { lookup: guardedLookup() } });
  return (await undiciFetch(url, {
    ...(init as Parameters<typeof undiciFetch>[1]),
    dispatcher: agent,
  })) as unknown as Response;
};

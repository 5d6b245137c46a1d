import "server-only";
/**
 * What reading AWS for discovery needs (docs/DISCOVERY.md), the failure that ends a run, and
 * assuming a discovery role through the broker with that failure's words.
 */
import type { AwsPartition } from "@/lib/aws/partitions";
import type { TemporaryCredentials } from "@/lib/aws/credential-formats";
import type { DiscoveryConfig } from "@/lib/config";
import type { RetryCounters, RetryPolicy } from "./retry";
import type { TrustContext } from "./trust-policy";

export interface ReadDependencies {
  config: DiscoveryConfig;
  partition: AwsPartition;
  /** The broker's identity, for reading trust policies. */
  trust: TrustContext;
  /** The names of the roles Gatehouse has in an account (a missing one is confirmed with GetRole). */
  knownRoleNames(accountId: string): readonly string[];
  /** Assumes a discovery role with the broker's credentials. */
  assumeRole(roleArn: string): Promise<TemporaryCredentials>;
  retry: RetryPolicy;
  counters: RetryCounters;
  /** Told after each account is read (accounts done, accounts in the organization). */
  onProgress(done: number, total: number, rolesSeen: number): Promise<void>;
}

/** A failure that ends the run, with words for the admin (never credentials). */
export class DiscoveryReadError extends Error {
  constructor(message: string) {
    super(message);
    this.name = "DiscoveryReadError";
  }
}

export async function assume(
  deps: ReadDependencies,
  roleArn: string,
  what: string,
): Promise<TemporaryCredentials> {
  deps.counters.calls++;
  try {
    return await deps.assumeRole(roleArn);
  } catch (error) {
    const reason =
      error instanceof Error
        ? ((error as { publicMessage?: string }).publicMessage ?? error.message)
        : "unknown error";
    throw new DiscoveryReadError(`could not assume ${what} ${roleArn}: ${reason}`);
  }
}

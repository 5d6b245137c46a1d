import { ConfigError } from "./config-error";
import { partitionOfRoleArn } from "./discovery-settings";
import type { Settings } from "./schema";

export interface DiscoveryConfig {
  /** The read-only role for AWS Organizations, in the management or a delegated-admin account. */
  organizationRoleArn: string;
  /** The read-only role assumed in each account to list its roles. */
  roleName: string;
  /** Custom endpoints (the local stand-in); undefined: AWS's own for the partition. */
  organizationsEndpoint: string | undefined;
  iamEndpoint: string | undefined;
  environmentTag: string | undefined;
  nameTag: string | undefined;
  /** Lowercased OU name to environment label. */
  ouEnvironments: ReadonlyMap<string, string>;
  /** 0: no periodic sync. */
  syncIntervalSeconds: number;
  concurrency: number;
  maxAttempts: number;
  backoffBaseMs: number;
}

/**
 * Discovery's settings, or null when no organization role is configured.
 * @throws ConfigError when the organization role is in another partition than the broker
 */
export function discoverySettings(s: Settings, brokerPartition: string): DiscoveryConfig | null {
  const roleArn = s.GATEHOUSE_DISCOVERY_ORGANIZATION_ROLE_ARN;
  if (roleArn === undefined) {
    if (s.GATEHOUSE_DISCOVERY_SYNC_INTERVAL_SECONDS > 0)
      throw new ConfigError([
        "GATEHOUSE_DISCOVERY_SYNC_INTERVAL_SECONDS needs GATEHOUSE_DISCOVERY_ORGANIZATION_ROLE_ARN",
      ]);
    return null;
  }
  const partition = partitionOfRoleArn(roleArn);
  if (partition !== brokerPartition)
    throw new ConfigError([
      `GATEHOUSE_DISCOVERY_ORGANIZATION_ROLE_ARN is in partition ${partition ?? "?"}, the broker in ${brokerPartition} (from AWS_REGION)`,
    ]);
  return {
    organizationRoleArn: roleArn,
    roleName: s.GATEHOUSE_DISCOVERY_ROLE_NAME,
    organizationsEndpoint: s.GATEHOUSE_DISCOVERY_ORGANIZATIONS_ENDPOINT,
    iamEndpoint: s.GATEHOUSE_DISCOVERY_IAM_ENDPOINT,
    environmentTag: s.GATEHOUSE_DISCOVERY_ENVIRONMENT_TAG,
    nameTag: s.GATEHOUSE_DISCOVERY_NAME_TAG,
    ouEnvironments: s.GATEHOUSE_DISCOVERY_OU_ENVIRONMENTS,
    syncIntervalSeconds: s.GATEHOUSE_DISCOVERY_SYNC_INTERVAL_SECONDS,
    concurrency: s.GATEHOUSE_DISCOVERY_CONCURRENCY,
    maxAttempts: s.GATEHOUSE_DISCOVERY_MAX_ATTEMPTS,
    backoffBaseMs: s.GATEHOUSE_DISCOVERY_BACKOFF_BASE_MS,
  };
}

import "server-only";
import {
  formatCredentials,
  profileNameFor,
  type CredentialFormat,
} from "@/lib/aws/credential-formats";
import { checkProfileName } from "@/lib/aws/profile-name";
import { AppError } from "@/lib/errors";
import { assumeGrantedRole } from "./assume-granted-role";
import { recordFailure, recordIssued } from "./issuance-audit";
import { checkRequestedRegion } from "./requested-region";
import type { IssuanceContext, IssuanceOptions } from "./issuance-request";

export interface CliCredentials {
  accessKeyId: string;
  secretAccessKey: string;
  sessionToken: string;
  expiration: Date;
  durationSeconds: number;
  region: string;
  profileName: string;
  formats: Record<CredentialFormat, string>;
  account: { accountId: string; name: string };
  roleName: string;
}

export interface CliOptions extends IssuanceOptions {
  /** The AWS CLI profile the formats name; derived from the account and role when absent. */
  profileName?: string;
}

/**
 * Short-lived CLI credentials for a granted role, in every supported format (with AWS_REGION and
 * the chosen profile name). A bad profile name is refused before anything is assumed. Audited
 * (with the AccessKeyId, never the secret) before the credentials are returned.
 * @throws AppError("validation_error") for a refused profile name, a region code that names no
 *   region, or a refused duration (no STS call)
 */
export async function issueCliCredentials(
  ctx: IssuanceContext,
  roleId: string,
  options: CliOptions,
): Promise<CliCredentials> {
  if (options.profileName !== undefined) {
    const checked = checkProfileName(options.profileName);
    if (!checked.ok) {
      throw new AppError("validation_error", "This profile name can't be used.", {
        issues: [{ path: "profileName", message: checked.message }],
      });
    }
  }
  // Every format exports the region (AWS_REGION, the credentials file's `region`): one that names
  // no region (`eu-west-9`) would be pasted as if it worked and fail in every AWS tool later.
  checkRequestedRegion(options.region, "cli");
  const { grant, assumed } = await assumeGrantedRole(ctx, roleId, "cli", options);
  const profileName =
    options.profileName ??
    profileNameFor(grant.account.name, grant.account.accountId, grant.roleName);
  let formats: Record<CredentialFormat, string>;
  try {
    formats = formatCredentials(assumed.credentials, { region: options.region, profileName });
  } catch (error) {
    await recordFailure(ctx, "cli", grant, error, assumed);
    throw error;
  }
  await recordIssued(ctx, "cli", grant, assumed, {
    region: options.region,
    profileName,
    roleChained: assumed.isRoleChained,
  });
  return {
    ...assumed.credentials,
    durationSeconds: assumed.durationSeconds,
    region: options.region,
    profileName,
    formats,
    account: { accountId: grant.account.accountId, name: grant.account.name },
    roleName: grant.roleName,
  };
}

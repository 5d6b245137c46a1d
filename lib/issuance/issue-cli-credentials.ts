import "server-only";
import { writeAuditEvent } from "@/lib/audit/write-audit-event";
import {
  formatCredentials,
  profileNameFor,
  type CredentialFormat,
} from "@/lib/aws/credential-formats";
import {
  actorOf,
  assumeGrantedRole,
  recordFailure,
  targetOf,
  type IssuanceContext,
} from "./issue-session";

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

/**
 * Short-lived CLI credentials for a granted role, in every supported format. Audited (with the
 * AccessKeyId, never the secret) before the credentials are returned.
 */
export async function issueCliCredentials(
  ctx: IssuanceContext,
  roleId: string,
  region: string,
): Promise<CliCredentials> {
  const { grant, assumed } = await assumeGrantedRole(ctx, roleId, "cli", region);
  const profileName = profileNameFor(grant.account.name, grant.account.accountId, grant.roleName);
  let formats: Record<CredentialFormat, string>;
  try {
    formats = formatCredentials(assumed.credentials, { region, profileName });
  } catch (error) {
    await recordFailure(ctx, "cli", grant, error);
    throw error;
  }
  await writeAuditEvent(ctx.db, {
    action: "credentials.issued",
    outcome: "success",
    actor: actorOf(ctx.user),
    meta: ctx.meta,
    target: targetOf(ctx, grant, assumed),
    details: { region, roleChained: assumed.isRoleChained },
  });
  return {
    ...assumed.credentials,
    durationSeconds: assumed.durationSeconds,
    region,
    profileName,
    formats,
    account: { accountId: grant.account.accountId, name: grant.account.name },
    roleName: grant.roleName,
  };
}

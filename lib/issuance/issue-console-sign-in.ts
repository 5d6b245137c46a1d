import "server-only";
import { writeAuditEvent } from "@/lib/audit/write-audit-event";
import { consoleDestinationUrl, federationLoginUrl } from "@/lib/aws/console-urls";
import { fetchSigninToken } from "@/lib/aws/federation-client";
import {
  actorOf,
  assumeGrantedRole,
  recordFailure,
  targetOf,
  type IssuanceContext,
} from "./issue-session";

const SIGNIN_LINK_LIFETIME_MS = 15 * 60 * 1000;

export interface ConsoleSignIn {
  /** The federation login URL: a bearer secret for ~15 minutes. Send with no-store, never log. */
  signinUrl: string;
  /** When the console session ends (the credentials' expiry). */
  expiresAt: Date;
  /** When the sign-in link itself stops working (AWS: about 15 minutes after it was made). */
  linkExpiresAt: Date;
  region: string;
}

/**
 * Opens the AWS console for a granted role: AssumeRole → getSigninToken → login URL with the
 * portal as Issuer and a region-aware console Destination. Audited before the URL leaves.
 * SessionDuration is sent only when the broker is not role-chained (AWS refuses it otherwise).
 */
export async function issueConsoleSignIn(
  ctx: IssuanceContext,
  roleId: string,
  region: string,
): Promise<ConsoleSignIn> {
  const { grant, assumed } = await assumeGrantedRole(ctx, roleId, "console", region);
  let signinUrl: URL;
  try {
    const token = await fetchSigninToken(
      ctx.config.aws.federationEndpoint,
      assumed.credentials,
      assumed.isRoleChained ? undefined : assumed.durationSeconds,
    );
    signinUrl = federationLoginUrl(ctx.config.aws.federationEndpoint, {
      issuer: ctx.config.publicUrl,
      destination: consoleDestinationUrl(region),
      signinToken: token,
    });
  } catch (error) {
    await recordFailure(ctx, "console", grant, error);
    throw error;
  }
  await writeAuditEvent(ctx.db, {
    action: "console.issued",
    outcome: "success",
    actor: actorOf(ctx.user),
    meta: ctx.meta,
    target: targetOf(ctx, grant, assumed),
    details: { region, roleChained: assumed.isRoleChained },
  });
  return {
    signinUrl: signinUrl.toString(),
    expiresAt: assumed.credentials.expiration,
    linkExpiresAt: new Date(ctx.now.getTime() + SIGNIN_LINK_LIFETIME_MS),
    region,
  };
}

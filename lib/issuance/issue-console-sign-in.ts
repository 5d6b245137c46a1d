import "server-only";
import { consoleDestination, refusedDestinationMessage } from "@/lib/aws/console-destinations";
import { federationLoginUrl } from "@/lib/aws/console-urls";
import { fetchSigninToken } from "@/lib/aws/federation-client";
import { consoleSessionDurationParam } from "@/lib/aws/session-duration";
import { AppError } from "@/lib/errors";
import { assumeGrantedRole } from "./assume-granted-role";
import { recordFailure, recordIssued } from "./issuance-audit";
import { checkRequestedRegion } from "./requested-region";
import type { IssuanceContext, IssuanceOptions } from "./issuance-request";

/** AWS: a federation sign-in token works for about 15 minutes after it was made. */
const SIGNIN_LINK_LIFETIME_MS = 15 * 60 * 1000;

export interface ConsoleSignIn {
  /** The federation login URL: a bearer secret for ~15 minutes. Send with no-store, never log. */
  signinUrl: string;
  /** When the console session ends (the credentials' expiry). */
  expiresAt: Date;
  /** When the sign-in link itself stops working (AWS: about 15 minutes after it was made). */
  linkExpiresAt: Date;
  /** The region the console opens in: the destination's own when it names one (docs/AWS.md). */
  region: string;
  /** The console page the login lands on (not secret). */
  destinationUrl: string;
  /** The session length actually issued. */
  durationSeconds: number;
}

export interface ConsoleOptions extends IssuanceOptions {
  /** A console service id (`ec2`), path (`ec2/home#Instances`) or allowlisted console URL. */
  destination?: string;
}

/**
 * Opens the AWS console for a granted role: AssumeRole → getSigninToken → login URL with the
 * portal as Issuer and a region-aware console Destination from the allowlist. A destination outside
 * it is refused before anything is assumed; one naming its own region opens there, and that region is
 * the one audited and returned. Audited (with region and destination, never the token)
 * before the URL leaves. SessionDuration follows docs/AWS.md "Console sign-in": sent for AssumeRole* credentials, never
 * when the broker is role-chained.
 * @throws AppError("validation_error") for a region with no console, a refused destination or
 *   duration (no STS call)
 */
export async function issueConsoleSignIn(
  ctx: IssuanceContext,
  roleId: string,
  options: ConsoleOptions,
): Promise<ConsoleSignIn> {
  // The console lives on a host named for the region: a code that fits the pattern but names no
  // region (`eu-west-9`) would spend the sign-in token on a host that does not exist.
  checkRequestedRegion(options.region, "console");
  const destination = consoleDestination(options.region, options.destination);
  if (!destination.ok) {
    throw new AppError(
      "validation_error",
      refusedDestinationMessage(options.region, destination.message),
      {
        issues: [{ path: "destination", message: destination.message }],
      },
    );
  }
  // Where the console really opens: a destination naming its own region (a pasted console URL)
  // opens there, and that region — not the one chosen — is authorized, audited and answered.
  const region = destination.region ?? options.region;
  const { grant, assumed } = await assumeGrantedRole(ctx, roleId, "console", {
    ...options,
    region,
  });
  let signinUrl: URL;
  try {
    const token = await fetchSigninToken(
      ctx.config.aws.federationEndpoint,
      assumed.credentials,
      consoleSessionDurationParam({
        sessionSeconds: assumed.durationSeconds,
        isRoleChained: assumed.isRoleChained,
        assumedWith: grant.assumeMethod === "assume-role" ? "AssumeRole" : "AssumeRoleWithSAML",
      }),
    );
    signinUrl = federationLoginUrl(ctx.config.aws.federationEndpoint, {
      issuer: ctx.config.publicUrl,
      destination: destination.url,
      signinToken: token,
    });
  } catch (error) {
    await recordFailure(ctx, "console", grant, error, assumed);
    throw error;
  }
  await recordIssued(ctx, "console", grant, assumed, {
    region,
    // The region the person had chosen, when the destination's own region overrode it.
    ...(region !== options.region ? { requestedRegion: options.region } : {}),
    destination: destination.url,
    roleChained: assumed.isRoleChained,
    // False: the broker had no long-term key to sign with, so AWS's default-length credentials
    // and SessionDuration set the console session (docs/AWS.md "Console sign-in").
    durationSecondsSent: assumed.sentDurationSeconds,
  });
  const linkExpiresAt = Math.min(
    ctx.now.getTime() + SIGNIN_LINK_LIFETIME_MS,
    assumed.credentials.expiration.getTime(),
  );
  return {
    signinUrl: signinUrl.toString(),
    // The console session ends when SessionDuration says, whatever the credentials' own expiry.
    expiresAt: new Date(ctx.now.getTime() + assumed.durationSeconds * 1000),
    linkExpiresAt: new Date(linkExpiresAt),
    region,
    destinationUrl: destination.url,
    durationSeconds: assumed.durationSeconds,
  };
}

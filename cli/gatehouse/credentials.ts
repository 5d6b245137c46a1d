import { formatCredentials } from "../../lib/aws/credential-formats";
import { type IssuedCredentials, parseIssuedCredentials } from "./api-types";
import { type CliContext, requireSignIn, warnFor } from "./context";
import { singleFlight } from "./cache-lock";
import {
  type CacheKeyParts,
  cacheDir,
  cacheLockFile,
  readCachedCredentials,
  writeCachedCredentials,
} from "./credential-cache";
import { CliError, EXIT } from "./exit-codes";
import { callPortal } from "./portal-client";
import { ensurePrivateDir, fileProblem } from "./secure-files";

export interface CredentialRequest {
  /** `<account>/<role>` or a role id (docs/API.md "Resource endpoints"). */
  role: string;
  durationSeconds?: number;
  region?: string;
}

/**
 * Credentials for `request`: from the cache while they are fresh, else from the portal (then
 * cached). The cache path reads two small files and nothing else, which is what keeps
 * `credential_process` fast (docs/CLI.md "How the cache works").
 */
export async function getCredentials(
  ctx: CliContext,
  portalUrl: string,
  request: CredentialRequest,
): Promise<IssuedCredentials> {
  const warn = warnFor(ctx);
  const parts: CacheKeyParts = { portalUrl, ...request };
  const lookup = () => readCachedCredentials(ctx.env.home, parts, ctx.now(), warn);
  const cached = lookup();
  if (cached) return cached;

  const signIn = requireSignIn(ctx, portalUrl);
  try {
    ensurePrivateDir(ctx.env.home, warn);
    ensurePrivateDir(cacheDir(ctx.env.home), warn);
  } catch (err) {
    // Before any issuance: without the cache there is no single-flight lock either, and every
    // credential_process run would issue (and audit) credentials of its own (docs/CLI.md "Files
    // and permissions").
    throw new CliError(
      `cannot keep credentials in ${cacheDir(ctx.env.home)}: ${fileProblem(err)}; nothing was issued`,
      EXIT.unexpected,
    );
  }
  // Many credential_process runs at once on a cold cache: one asks the portal, the others read
  // what it cached.
  return singleFlight(cacheLockFile(ctx.env.home, parts), lookup, () =>
    issue(ctx, portalUrl, signIn.token, parts, request),
  );
}

async function issue(
  ctx: CliContext,
  portalUrl: string,
  token: string,
  parts: CacheKeyParts,
  request: CredentialRequest,
): Promise<IssuedCredentials> {
  const warn = warnFor(ctx);
  const body = await callPortal(ctx.fetch, portalUrl, {
    method: "POST",
    path: "/api/v1/credentials",
    token,
    json: {
      role: request.role,
      ...(request.durationSeconds !== undefined && { durationSeconds: request.durationSeconds }),
      ...(request.region !== undefined && { region: request.region }),
    },
  });
  const creds = parseIssuedCredentials(body);
  if (!creds) {
    throw new CliError(
      "the portal's credentials answer is not in the expected shape",
      EXIT.unexpected,
    );
  }
  try {
    writeCachedCredentials(ctx.env.home, parts, creds, warn);
  } catch (err) {
    // The credentials are good; a cache that cannot be written only costs the next call a trip.
    warn(`could not cache the credentials in ${cacheDir(ctx.env.home)}: ${fileProblem(err)}`);
  }
  return creds;
}

/**
 * The `credential_process` answer: `{"Version": 1, "AccessKeyId", "SecretAccessKey",
 * "SessionToken", "Expiration"}` (AWS CLI "Sourcing credentials with an external process").
 */
export function credentialProcessJson(creds: IssuedCredentials): string {
  return formatCredentials(toTemporaryCredentials(creds), { profileName: "gatehouse" })[
    "credential-process"
  ];
}

export function toTemporaryCredentials(creds: IssuedCredentials) {
  return {
    accessKeyId: creds.accessKeyId,
    secretAccessKey: creds.secretAccessKey,
    sessionToken: creds.sessionToken,
    expiration: new Date(creds.expiration),
  };
}

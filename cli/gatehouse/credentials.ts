import { formatCredentials } from "../../lib/aws/credential-formats";
import { type IssuedCredentials, parseIssuedCredentials, parseRolesAnswer } from "./api-types";
import { type CliContext, requireSignIn, warnFor } from "./context";
import { singleFlight } from "./cache-lock";
import {
  type CacheKeyParts,
  cacheDir,
  cacheFailureRecord,
  cacheLockFile,
  readCachedCredentials,
  writeCachedCredentials,
} from "./credential-cache";
import { CliError, EXIT } from "./exit-codes";
import { callPortal } from "./portal-client";
import { closeRoles } from "./role-suggestions";
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
  // what it cached, or fail with what it met.
  try {
    return await singleFlight(
      cacheLockFile(ctx.env.home, parts),
      lookup,
      () => issue(ctx, portalUrl, signIn.token, parts, request),
      undefined,
      cacheFailureRecord(ctx.env.home, parts),
    );
  } catch (err) {
    if (err instanceof CliError && err.portalCode === "not_found") {
      throw await withSuggestions(ctx, portalUrl, signIn.token, request.role, err);
    }
    throw err;
  }
}

/**
 * A "no such role" error with the caller's roles that are spelled almost like `role`. Best
 * effort: when the roles cannot be listed, the portal's error stands as it was.
 */
async function withSuggestions(
  ctx: CliContext,
  portalUrl: string,
  token: string,
  role: string,
  error: CliError,
): Promise<CliError> {
  let close: string[];
  try {
    const answer = parseRolesAnswer(
      await callPortal(ctx.fetch, portalUrl, { method: "GET", path: "/api/v1/roles", token }),
    );
    close = answer ? closeRoles(role, answer.accounts) : [];
  } catch {
    return error;
  }
  if (close.length === 0) return error;
  return new CliError(
    `${error.message}; did you mean ${close.join(" or ")}?`,
    error.exitCode,
    error.requestId,
    error.portalCode,
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

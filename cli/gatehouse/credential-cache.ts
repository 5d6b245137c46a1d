import { createHash } from "node:crypto";
import fs from "node:fs";
import path from "node:path";

import { type IssuedCredentials, parseIssuedCredentials } from "./api-types";
import type { FailureRecord } from "./cache-lock";
import { isRecord } from "./config-store";
import { CliError, EXIT, type ExitCode } from "./exit-codes";
import {
  PRIVATE_FILE_MODE,
  type Warn,
  ensurePrivateDir,
  readPrivateFile,
  writeFileAtomic,
} from "./secure-files";

/**
 * Issued credentials kept on disk between `gatehouse creds` runs (docs/CLI.md "How the cache
 * works"): the AWS CLI and SDKs start the credential_process for every new process, and a portal
 * round trip (an STS call and two audit events) for each would be slow and noisy.
 */

/**
 * Cached credentials are used until this long before they expire, then renewed. It is the widest
 * refresh window of the SDKs that call us: botocore (the AWS CLI, boto3) refreshes container and
 * credential_process credentials 15 minutes before they expire, and within 10 minutes it blocks
 * every API call on a refresh. Credentials handed out inside that window would make it ask again
 * on every call and get the same ones back.
 */
export const REFRESH_MARGIN_MS = 15 * 60 * 1000;

/** What makes two requests interchangeable: the same portal, role, region and duration. */
export interface CacheKeyParts {
  portalUrl: string;
  role: string;
  region?: string;
  durationSeconds?: number;
}

export function cacheDir(home: string): string {
  return path.join(home, "cache");
}

/** `<home>/cache/<sha256 of portal, role, region and duration>.json`. */
export function cacheFile(home: string, parts: CacheKeyParts): string {
  const key = createHash("sha256")
    .update(
      JSON.stringify([
        parts.portalUrl,
        parts.role,
        parts.region ?? "",
        parts.durationSeconds ?? "",
      ]),
    )
    .digest("hex");
  return path.join(cacheDir(home), `${key}.json`);
}

/** `<entry>.lock`: held by the one process asking the portal for this entry (cache-lock.ts). */
export function cacheLockFile(home: string, parts: CacheKeyParts): string {
  return cacheFile(home, parts).replace(/\.json$/, ".lock");
}

/**
 * `<entry>.failed`: the failure the last holder of the entry's lock met, for the callers that were
 * waiting on it (docs/CLI.md "How the cache works"). Only the CLI's own errors are kept: their
 * message, exit code and request id, which are already safe to show (never a secret).
 */
export function cacheFailureRecord(home: string, parts: CacheKeyParts): FailureRecord {
  const file = cacheFile(home, parts).replace(/\.json$/, ".failed");
  const exitCodes = new Set<number>(Object.values(EXIT));
  return {
    save(err, at) {
      if (!(err instanceof CliError)) return;
      const { message, exitCode, requestId, portalCode } = err;
      const record = { at, message, exitCode, requestId, portalCode };
      writeFileAtomic(file, `${JSON.stringify(record)}\n`, PRIVATE_FILE_MODE);
    },
    load(since) {
      let value: unknown;
      try {
        value = JSON.parse(fs.readFileSync(file, "utf8"));
      } catch {
        return undefined; // none, or damaged: the waiter asks itself
      }
      if (
        !isRecord(value) ||
        typeof value.at !== "number" ||
        value.at < since ||
        typeof value.message !== "string" ||
        typeof value.exitCode !== "number" ||
        !exitCodes.has(value.exitCode)
      ) {
        return undefined;
      }
      const text = (v: unknown) => (typeof v === "string" ? v : undefined);
      return new CliError(
        value.message,
        value.exitCode as ExitCode,
        text(value.requestId),
        text(value.portalCode),
      );
    },
  };
}

/**
 * Whether credentials expiring at `expiration` may still be handed out at `now`. A session of
 * `durationSeconds` shorter than twice the margin is renewed halfway instead: a 15-minute session
 * could otherwise never be reused.
 */
export function isFresh(expiration: string, now: Date, durationSeconds?: number): boolean {
  const renewAt = renewalTime(expiration, durationSeconds);
  return !Number.isNaN(renewAt) && now.getTime() < renewAt;
}

/** When credentials expiring at `expiration` stop being fresh (isFresh), in epoch ms; NaN if unreadable. */
export function renewalTime(expiration: string, durationSeconds?: number): number {
  const margin =
    durationSeconds === undefined
      ? REFRESH_MARGIN_MS
      : Math.min(REFRESH_MARGIN_MS, (durationSeconds * 1000) / 2);
  return Date.parse(expiration) - margin;
}

/** The cached credentials for `parts` if they are still fresh; a damaged file counts as a miss. */
export function readCachedCredentials(
  home: string,
  parts: CacheKeyParts,
  now: Date,
  warn: Warn,
): IssuedCredentials | undefined {
  let text: string | undefined;
  try {
    text = readPrivateFile(cacheFile(home, parts), warn);
  } catch {
    return undefined;
  }
  if (text === undefined) return undefined;
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch {
    return undefined;
  }
  const creds = isRecord(value) ? parseIssuedCredentials(value.credentials) : undefined;
  return creds && isFresh(creds.expiration, now, creds.durationSeconds) ? creds : undefined;
}

/** Stores `creds` (0600, in a 0700 directory, replaced atomically). */
export function writeCachedCredentials(
  home: string,
  parts: CacheKeyParts,
  creds: IssuedCredentials,
  warn: Warn,
): void {
  ensurePrivateDir(home, warn);
  ensurePrivateDir(cacheDir(home), warn);
  const entry = { version: 1, portalUrl: parts.portalUrl, role: parts.role, credentials: creds };
  writeFileAtomic(cacheFile(home, parts), `${JSON.stringify(entry)}\n`, PRIVATE_FILE_MODE);
}

/** Deletes every cached credential (logout, and a new login that may be someone else). */
export function clearCredentialCache(home: string): void {
  fs.rmSync(cacheDir(home), { recursive: true, force: true });
}

import path from "node:path";

import { CliError, EXIT } from "./exit-codes";
import {
  PRIVATE_FILE_MODE,
  type Warn,
  ensurePrivateDir,
  readPrivateFile,
  removeFile,
  writeFileAtomic,
} from "./secure-files";

/** What `gatehouse login` saves in `<home>/config.json` (docs/CLI.md "Files"). */
export interface SavedSignIn {
  portalUrl: string;
  /** The bearer token (`gh_cli_…`): a secret, never printed. */
  token: string;
  tokenId: string;
  /** ISO 8601. */
  expiresAt: string;
  user: { email: string; displayName: string; subject: string };
}

export function configFile(home: string): string {
  return path.join(home, "config.json");
}

/** The saved sign-in, or undefined when there is none. A damaged file is an error, not "none". */
export function readSavedSignIn(home: string, warn: Warn): SavedSignIn | undefined {
  const file = configFile(home);
  const text = readPrivateFile(file, warn);
  if (text === undefined) return undefined;
  const saved = parseSavedSignIn(text);
  if (!saved) {
    throw new CliError(
      `${file} is damaged; run gatehouse login to write it again`,
      EXIT.unexpected,
    );
  }
  return saved;
}

export function saveSignIn(home: string, signIn: SavedSignIn, warn: Warn): void {
  ensurePrivateDir(home, warn);
  writeFileAtomic(configFile(home), `${JSON.stringify(signIn, null, 2)}\n`, PRIVATE_FILE_MODE);
}

export function forgetSignIn(home: string): void {
  removeFile(configFile(home));
}

export function parseSavedSignIn(text: string): SavedSignIn | undefined {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch {
    return undefined;
  }
  if (!isRecord(value) || !isRecord(value.user)) return undefined;
  const { portalUrl, token, tokenId, expiresAt, user } = value;
  if (
    typeof portalUrl !== "string" ||
    typeof token !== "string" ||
    typeof tokenId !== "string" ||
    typeof expiresAt !== "string" ||
    Number.isNaN(Date.parse(expiresAt)) ||
    typeof user.email !== "string" ||
    typeof user.displayName !== "string" ||
    typeof user.subject !== "string"
  ) {
    return undefined;
  }
  return {
    portalUrl,
    token,
    tokenId,
    expiresAt,
    user: { email: user.email, displayName: user.displayName, subject: user.subject },
  };
}

export function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

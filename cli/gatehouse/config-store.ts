import fs from "node:fs";
import path from "node:path";

import { CliError, EXIT } from "./exit-codes";
import {
  PRIVATE_FILE_MODE,
  type Warn,
  ensurePrivateDir,
  fileProblem,
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

/** config.json exists but is not a sign-in: `logout` removes it, `login --portal` replaces it. */
export class DamagedSignInError extends CliError {
  override readonly name: string = "DamagedSignInError";

  constructor(readonly file: string) {
    super(
      `${file} is damaged; run gatehouse logout to remove it, or gatehouse login --portal <url> to replace it`,
      EXIT.unexpected,
    );
  }
}

/** The saved sign-in, or undefined when there is none. A damaged file is an error, not "none". */
export function readSavedSignIn(home: string, warn: Warn): SavedSignIn | undefined {
  const file = configFile(home);
  let text: string | undefined;
  try {
    text = readPrivateFile(file, warn);
  } catch (err) {
    throw new CliError(
      `cannot read the saved sign-in ${file}: ${fileProblem(err)}`,
      EXIT.unexpected,
    );
  }
  if (text === undefined) return undefined;
  const saved = parseSavedSignIn(text);
  if (!saved) {
    throw new DamagedSignInError(file);
  }
  return saved;
}

export function saveSignIn(home: string, signIn: SavedSignIn, warn: Warn): void {
  ensurePrivateDir(home, warn);
  writeFileAtomic(configFile(home), `${JSON.stringify(signIn, null, 2)}\n`, PRIVATE_FILE_MODE);
}

/**
 * Checks that a sign-in can be saved in `home` (created 0700 if missing; not writable by everyone;
 * a file can be created there), so `login` fails before a token is issued rather than after.
 * @throws CliError (exit 1) naming the directory and the reason.
 */
export function checkHomeUsable(home: string, warn: Warn): void {
  try {
    ensurePrivateDir(home, warn);
    const probe = path.join(home, `.probe.${process.pid}.tmp`);
    fs.writeFileSync(probe, "", { mode: PRIVATE_FILE_MODE, flag: "w" });
    fs.rmSync(probe, { force: true });
  } catch (err) {
    throw new CliError(`cannot save a sign-in in ${home}: ${fileProblem(err)}`, EXIT.unexpected);
  }
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

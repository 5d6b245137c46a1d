import { createHash } from "node:crypto";
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

/**
 * Where the sign-in to a portal other than the last one logged in to is kept: one file per portal,
 * so signing in to a second portal neither revokes nor hides the first (docs/CLI.md "Several
 * portals"). config.json stays the sign-in of the portal used when none is named.
 */
export function portalSignInFile(home: string, portalUrl: string): string {
  const name = createHash("sha256").update(portalUrl).digest("hex").slice(0, 32);
  return path.join(home, "portals", `${name}.json`);
}

/** A sign-in file that is not a sign-in: `logout` removes it, `login --portal` replaces it. */
export class DamagedSignInError extends CliError {
  override readonly name: string = "DamagedSignInError";

  constructor(
    readonly file: string,
    /** The portal whose own file it is; none for config.json, which names the portal itself. */
    portalUrl?: string,
  ) {
    const portal = portalUrl === undefined ? "" : ` --portal ${portalUrl}`;
    super(
      `${file} is damaged; run gatehouse logout${portal} to remove it, or gatehouse login --portal ${portalUrl ?? "<url>"} to replace it`,
      EXIT.unexpected,
    );
  }
}

/**
 * The sign-in of the portal logged in to last (config.json), or undefined when there is none. A
 * damaged file is an error, not "none".
 */
export function readSavedSignIn(home: string, warn: Warn): SavedSignIn | undefined {
  return readSignInFile(configFile(home), warn);
}

/** The saved sign-in to `portalUrl` (normalised), wherever it is kept, or undefined. */
export function readSignInFor(
  home: string,
  portalUrl: string,
  warn: Warn,
): SavedSignIn | undefined {
  let damaged: DamagedSignInError | undefined;
  try {
    const last = readSavedSignIn(home, warn);
    if (last?.portalUrl === portalUrl) return last;
  } catch (err) {
    if (!(err instanceof DamagedSignInError)) throw err;
    damaged = err; // it may have held this portal's sign-in; another portal's is still usable
  }
  const other = readSignInFile(portalSignInFile(home, portalUrl), warn, portalUrl);
  if (other?.portalUrl === portalUrl) return other;
  if (damaged) throw damaged;
  return undefined;
}

function readSignInFile(file: string, warn: Warn, portalUrl?: string): SavedSignIn | undefined {
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
    throw new DamagedSignInError(file, portalUrl);
  }
  return saved;
}

/**
 * Saves `signIn` as the sign-in of the portal logged in to last. The one it replaces in config.json,
 * if it is another portal's, moves to that portal's own file first: each step leaves every sign-in
 * readable somewhere, whatever stops the next one.
 */
export function saveSignIn(home: string, signIn: SavedSignIn, warn: Warn): void {
  ensurePrivateDir(home, warn);
  let last: SavedSignIn | undefined;
  try {
    last = readSavedSignIn(home, warn);
  } catch (err) {
    if (!(err instanceof DamagedSignInError)) throw err; // a damaged one is replaced
  }
  if (last && last.portalUrl !== signIn.portalUrl) {
    const file = portalSignInFile(home, last.portalUrl);
    ensurePrivateDir(path.dirname(file), warn);
    writeSignIn(file, last);
  }
  writeSignIn(configFile(home), signIn);
  removeFile(portalSignInFile(home, signIn.portalUrl));
}

function writeSignIn(file: string, signIn: SavedSignIn): void {
  writeFileAtomic(file, `${JSON.stringify(signIn, null, 2)}\n`, PRIVATE_FILE_MODE);
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

/** Deletes the saved sign-in to `portalUrl`; the other portals' stay. */
export function forgetSignIn(home: string, portalUrl: string): void {
  removeFile(portalSignInFile(home, portalUrl));
  let last: SavedSignIn | undefined;
  try {
    last = readSavedSignIn(home, () => undefined);
  } catch {
    last = undefined;
  }
  if (last?.portalUrl === portalUrl) removeFile(configFile(home));
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

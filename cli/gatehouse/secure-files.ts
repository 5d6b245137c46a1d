import { randomBytes } from "node:crypto";
import fs from "node:fs";
import path from "node:path";

/**
 * Files that hold a bearer token or AWS credentials: readable by their owner only, replaced
 * atomically so a reader never sees half a file (docs/CLI.md "Files").
 */

export const PRIVATE_DIR_MODE = 0o700;
export const PRIVATE_FILE_MODE = 0o600;

export type Warn = (message: string) => void;

const isWindows = process.platform === "win32";

/** Creates `dir` (0700) if missing; tightens an existing one that others may read, with a warning. */
export function ensurePrivateDir(dir: string, warn: Warn): void {
  fs.mkdirSync(dir, { recursive: true, mode: PRIVATE_DIR_MODE });
  tighten(dir, PRIVATE_DIR_MODE, warn);
}

/**
 * Reads a private file, or returns undefined when there is none. A file group or others may read
 * is first made 0600, with a warning: its content may have been seen, but refusing to run would
 * leave the person stuck while the permissions stay wrong.
 */
export function readPrivateFile(file: string, warn: Warn): string | undefined {
  let fd: number;
  try {
    fd = fs.openSync(file, "r");
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === "ENOENT") return undefined;
    throw err;
  }
  try {
    const stat = fs.fstatSync(fd);
    if (!isWindows && (stat.mode & 0o077) !== 0) {
      fs.fchmodSync(fd, PRIVATE_FILE_MODE);
      warn(`${file} was readable by other users; its permissions are now 0600`);
    }
    return fs.readFileSync(fd, "utf8");
  } finally {
    fs.closeSync(fd);
  }
}

/**
 * Writes `data` to `file` through a temporary file in the same directory and a rename, so readers
 * see the old or the new content, never a mix. The temporary file is created with `mode` (never
 * wider), then set to exactly `mode` whatever the umask.
 */
export function writeFileAtomic(file: string, data: string, mode: number): void {
  const temp = path.join(
    path.dirname(file),
    `.${path.basename(file)}.${process.pid}.${randomBytes(4).toString("hex")}.tmp`,
  );
  try {
    fs.writeFileSync(temp, data, { mode, flag: "wx" });
    if (!isWindows) fs.chmodSync(temp, mode);
    fs.renameSync(temp, file);
  } catch (err) {
    fs.rmSync(temp, { force: true });
    throw err;
  }
}

/** Why a file operation failed, in words, with the system's code to search for; never a stack. */
export function fileProblem(err: unknown): string {
  const code = (err as NodeJS.ErrnoException | undefined)?.code;
  const words =
    code !== undefined && Object.hasOwn(FILE_PROBLEMS, code) ? FILE_PROBLEMS[code] : undefined;
  if (words !== undefined) return `${words} (${code})`;
  return err instanceof Error ? err.message : String(err);
}

const FILE_PROBLEMS: Record<string, string> = {
  ENOTDIR: "a directory on that path is a file",
  // mkdir's answer when the directory to create is a file.
  EEXIST: "it is a file, not a directory",
  EISDIR: "it is a directory, not a file",
  ENOTEMPTY: "it is a directory, not a file",
  EACCES: "permission denied",
  EPERM: "operation not permitted",
  EROFS: "the file system is read-only",
  ENOSPC: "no space left on the device",
  EDQUOT: "the disk quota is used up",
};

/** Deletes `file` if it exists. */
export function removeFile(file: string): void {
  fs.rmSync(file, { force: true });
}

function tighten(target: string, mode: number, warn: Warn): void {
  if (isWindows) return;
  const stat = fs.statSync(target);
  // A directory anyone may write to (GATEHOUSE_HOME=/tmp, say) is shared, not misconfigured:
  // refuse it rather than lock everyone else out of it.
  if ((stat.mode & 0o002) !== 0) {
    throw new Error(`${target} is writable by every user; choose a private directory`);
  }
  if ((stat.mode & 0o077) !== 0) {
    fs.chmodSync(target, mode);
    warn(`${target} was open to other users; its permissions are now ${mode.toString(8)}`);
  }
}

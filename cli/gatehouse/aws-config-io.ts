import fs from "node:fs";
import path from "node:path";

import { CliError, EXIT } from "./exit-codes";
import { PRIVATE_DIR_MODE, PRIVATE_FILE_MODE, fileProblem, writeFileAtomic } from "./secure-files";

// Reading and replacing the AWS config file for `setup-profiles` (docs/CLI.md "Profiles").

/**
 * The file a symlinked config points at: replacing the link itself would break the person's setup
 * (dotfiles kept elsewhere). Followed by hand, because a link to a file not yet created has no
 * real path, and that file is the one to create.
 */
export function realTarget(file: string): string {
  let target = file;
  for (let hops = 0; hops < 40; hops += 1) {
    let link: string;
    try {
      link = fs.readlinkSync(target);
    } catch {
      return target; // not a link (or not there): this is the file
    }
    target = path.resolve(path.dirname(target), link);
  }
  return target;
}

export function readIfExists(file: string): string | undefined {
  try {
    return fs.readFileSync(file, "utf8");
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === "ENOENT") return undefined;
    throw new CliError(`cannot read ${file}: ${fileProblem(err)}`, EXIT.unexpected);
  }
}

/**
 * A config without any write permission was made read-only on purpose (by its owner or a
 * configuration manager): replacing it through a rename would pass over that, so it is refused.
 */
export function refuseReadOnly(file: string, target: string): void {
  let mode;
  try {
    mode = fs.statSync(target).mode & 0o777;
  } catch (err) {
    throw new CliError(`cannot read ${file}: ${fileProblem(err)}`, EXIT.unexpected);
  }
  if ((mode & 0o222) === 0) {
    throw new CliError(
      `${file} is read-only (mode ${mode.toString(8).padStart(4, "0")}); nothing was changed. Make it writable (chmod u+w) to let setup-profiles edit it, or see the change with --dry-run`,
      EXIT.unexpected,
    );
  }
}

/** A new file's directory, created 0700 before the lock file is made in it. */
export function makeConfigDir(file: string, target: string): void {
  try {
    fs.mkdirSync(path.dirname(target), { recursive: true, mode: PRIVATE_DIR_MODE });
  } catch (err) {
    throw new CliError(
      `cannot write ${file}: ${fileProblem(err)}; it is unchanged`,
      EXIT.unexpected,
    );
  }
}

/** Keeps an existing file's mode; a new file is 0600 in a directory created 0700. */
export function writeConfig(file: string, text: string, exists: boolean): void {
  try {
    let mode = PRIVATE_FILE_MODE;
    if (exists) {
      mode = fs.statSync(file).mode & 0o777;
    } else {
      fs.mkdirSync(path.dirname(file), { recursive: true, mode: PRIVATE_DIR_MODE });
    }
    writeFileAtomic(file, text, mode);
  } catch (err) {
    throw new CliError(
      `cannot write ${file}: ${fileProblem(err)}; it is unchanged`,
      EXIT.unexpected,
    );
  }
}

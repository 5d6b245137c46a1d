import { PROFILE_NAME_MAX_LENGTH, checkProfileName } from "../../lib/aws/profile-name";
import { quotePosix } from "../../lib/aws/credential-formats";

/**
 * Names and command lines for the profiles `gatehouse setup-profiles` writes (docs/CLI.md
 * "Profiles").
 */

/**
 * `<prefix><account>.<role>`, each part reduced to the characters profile-name.ts allows (letters,
 * digits, `_`, `.`, `-`; accents dropped, anything else a `-`) and the account part shortened first
 * so the whole fits in 64 characters. Undefined when nothing usable is left.
 */
export function profileNameFor(
  prefix: string,
  accountName: string,
  roleName: string,
): string | undefined {
  const role = toPart(roleName)
    .slice(0, 40)
    .replace(/[-.]+$/, "");
  const account = toPart(accountName);
  if (!role || !account) return undefined;
  const room = PROFILE_NAME_MAX_LENGTH - prefix.length - 1 - role.length;
  if (room < 1) return undefined;
  const name = `${prefix}${account.slice(0, room).replace(/[-.]+$/, "")}.${role}`;
  return checkProfileName(name).ok ? name : undefined;
}

/** `--prefix`: characters allowed in a profile name, not starting with `-`, at most 32 of them. */
export function checkPrefix(prefix: string): boolean {
  return prefix === "" || /^(?!-)[A-Za-z0-9_.-]{1,32}$/.test(prefix);
}

function toPart(raw: string): string {
  return raw
    .normalize("NFKD")
    .replace(/\p{M}+/gu, "")
    .replace(/[^A-Za-z0-9_-]+/g, "-")
    .replace(/-{2,}/g, "-")
    .replace(/^[-.]+|[-.]+$/g, "");
}

/**
 * One word of the `credential_process` command line, quoted so that the AWS CLI (botocore splits
 * it with Python's shlex, POSIX rules) and the JavaScript SDK (runs it through /bin/sh) read the
 * same word. The JavaScript SDK's INI reader also cuts a line at a `#` or `;` that follows
 * whitespace, even inside quotes, so such a character is put in quotes of its own.
 * @throws Error for a Windows word containing `"` or such a `#`/`;` (cmd has no way to carry it).
 */
export function quoteCommandWord(
  word: string,
  platform: NodeJS.Platform = process.platform,
): string {
  if (/^[A-Za-z0-9_@%+=:,./-]+$/.test(word)) return word;
  if (platform === "win32") {
    if (word.includes('"') || /\s[#;]/.test(word)) {
      throw new Error(`cannot write ${JSON.stringify(word)} into a credential_process line`);
    }
    return `"${word}"`;
  }
  return quotePosix(word).replace(/(\s)([#;])/g, `$1'"$2"'`);
}

/** `credential_process = <node> <gatehouse.mjs> creds <account>/<role> --portal <url> [--region r]`. */
export function credentialProcessCommand(
  program: readonly string[],
  role: string,
  portalUrl: string,
  region: string | undefined,
  platform: NodeJS.Platform = process.platform,
): string {
  const words = [...program, "creds", role, "--portal", portalUrl];
  if (region !== undefined) words.push("--region", region);
  return words.map((word) => quoteCommandWord(word, platform)).join(" ");
}

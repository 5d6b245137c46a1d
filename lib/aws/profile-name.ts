/**
 * AWS CLI / SDK profile names (`[name]` in ~/.aws/credentials, `--profile name`).
 *
 * Client-safe (no `server-only`, no `node:` imports): the credentials dialog checks a name the user types
 * with the same rule the server applies when it renders the credentials file.
 */

export const PROFILE_NAME_MAX_LENGTH = 64;

/**
 * Letters, digits, `_`, `.`, `-`; 1–64 characters; not starting with `-`. Narrower than what the INI
 * parsers accept on purpose: no spaces, brackets, `#`/`;` or `=`, so the name is one word in every
 * shell and cannot close the `[section]` line or start a comment; no leading `-`, which
 * `--profile -x` would read as an option.
 */
export const PROFILE_NAME_PATTERN = /^(?!-)[A-Za-z0-9_.-]{1,64}$/;

/** Whether `name` may be used as a profile name; the message says what is wrong. */
export function checkProfileName(name: string): { ok: true } | { ok: false; message: string } {
  if (typeof name !== "string" || name.length === 0) {
    return { ok: false, message: "profile name must not be empty" };
  }
  if (name.length > PROFILE_NAME_MAX_LENGTH) {
    return {
      ok: false,
      message: `profile name must be at most ${PROFILE_NAME_MAX_LENGTH} characters`,
    };
  }
  if (name.startsWith("-")) {
    return {
      ok: false,
      message: "profile name must not start with '-' (it would read as a command-line option)",
    };
  }
  if (!PROFILE_NAME_PATTERN.test(name)) {
    return {
      ok: false,
      message: "profile name may contain only letters, digits, '.', '_' and '-'",
    };
  }
  return { ok: true };
}

const ROLE_PART_MAX_LENGTH = 40;

/**
 * A profile name for the credentials file and `--profile`, e.g. `acme-staging-Developer`: always passes
 * {@link checkProfileName}. The account name is shortened before the role name; an account name with
 * nothing usable falls back to the account id.
 *
 * The name also names the credential_process file (`~/.aws/<name>.json`), so two accounts must not
 * share one: when the account's name does not fit, or lost letters a profile name cannot carry
 * (`Prod Москва` and `Prod Київ` would both be `Prod`), what is kept of it is followed by the
 * account id (`acme-analytics-111111111111-AWSReservedSSO_…`).
 */
export function profileNameFor(accountName: string, accountId: string, roleName: string): string {
  let role = toProfilePart(roleName) || "role";
  if (role.length > ROLE_PART_MAX_LENGTH) role = trimPart(role.slice(0, ROLE_PART_MAX_LENGTH));
  const room = PROFILE_NAME_MAX_LENGTH - 1 - role.length;
  const id = toProfilePart(accountId) || "account";
  const account = toProfilePart(accountName);
  if (account === "") return `${id.slice(0, room)}-${role}`;
  if (account.length <= room && !losesLetters(accountName)) return `${account}-${role}`;
  const kept = trimPart(account.slice(0, Math.max(0, room - id.length - 1)));
  return `${kept === "" ? "" : `${kept}-`}${id.slice(0, room)}-${role}`;
}

/**
 * Whether {@link toProfilePart} drops a character of `raw` that tells names apart: a non-ASCII
 * letter, digit or symbol (an accent it only removes, a space or a dash does not count).
 */
function losesLetters(raw: string): boolean {
  return /[^\x00-\x7f]/.test(stripMarks(raw).replace(/[\s\p{P}]+/gu, ""));
}

function stripMarks(raw: string): string {
  return raw.normalize("NFKD").replace(/\p{M}+/gu, "");
}

function toProfilePart(raw: string): string {
  return trimPart(
    stripMarks(raw)
      .replace(/[^A-Za-z0-9_.-]+/g, "-")
      .replace(/-{2,}/g, "-"),
  );
}

function trimPart(value: string): string {
  return value.replace(/^[-.]+|[-.]+$/g, "");
}

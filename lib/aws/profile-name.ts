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
 */
export function profileNameFor(accountName: string, accountId: string, roleName: string): string {
  let role = toProfilePart(roleName) || "role";
  if (role.length > ROLE_PART_MAX_LENGTH) role = trimPart(role.slice(0, ROLE_PART_MAX_LENGTH));
  const account = toProfilePart(accountName) || toProfilePart(accountId) || "account";
  const room = PROFILE_NAME_MAX_LENGTH - 1 - role.length;
  return `${trimPart(account.slice(0, room))}-${role}`;
}

function toProfilePart(raw: string): string {
  return trimPart(
    raw
      .normalize("NFKD")
      .replace(/\p{M}+/gu, "")
      .replace(/[^A-Za-z0-9_.-]+/g, "-")
      .replace(/-{2,}/g, "-"),
  );
}

function trimPart(value: string): string {
  return value.replace(/^[-.]+|[-.]+$/g, "");
}

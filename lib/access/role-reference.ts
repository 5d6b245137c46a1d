import { AppError } from "@/lib/errors";
import { validationErrorOf } from "@/lib/validation-error";
import type { Grant } from "./resolve-grants";

/** A role id as the database makes them (cuid). */
const ROLE_ID_PATTERN = /^[a-z0-9]{20,32}$/;

/**
 * Which of the caller's grants a CLI role reference names (docs/API.md): a role id, or
 * `<account>/<role name>` with the account's 12-digit id, name or alias. Names compare without
 * regard to case, as IAM does for role names. Only the caller's own grants are searched, so a
 * role that is not theirs is "not found", exactly like one that does not exist.
 * @throws AppError validation_error (not a reference), not_found, ambiguous_role
 */
export function grantForReference(grants: readonly Grant[], reference: string): Grant {
  const ref = parseRoleReference(reference);
  if (!ref) {
    throw validationErrorOf([
      { path: "role", message: "must be a role id or <account>/<role name>" },
    ]);
  }
  if ("roleId" in ref) {
    const byId = grants.find((g) => g.roleId === ref.roleId);
    if (byId) return byId;
    throw notFound();
  }
  const { account, roleName } = ref;
  const matches = grants.filter(
    (g) =>
      g.roleName.toLowerCase() === roleName &&
      (g.account.accountId === account ||
        g.account.name.toLowerCase() === account ||
        (g.account.alias !== "" && g.account.alias.toLowerCase() === account)),
  );
  const [only, ...others] = matches;
  if (!only) throw notFound();
  if (others.length > 0) {
    throw new AppError(
      "ambiguous_role",
      `"${reference.trim()}" names ${matches.length} of your roles; use the account id or the role id instead.`,
      {
        issues: matches.map((g) => ({
          path: "role",
          message: `${g.roleId} (${g.account.name} ${g.account.accountId}/${g.roleName})`,
        })),
      },
    );
  }
  return only;
}

/**
 * What a reference says: a role id, or an account (its id, or its name or alias in lower case) and
 * a role name in lower case; null when it is neither.
 */
export function parseRoleReference(
  reference: string,
): { roleId: string } | { account: string; roleName: string } | null {
  const ref = reference.trim();
  if (ROLE_ID_PATTERN.test(ref)) return { roleId: ref };
  const slash = ref.lastIndexOf("/");
  const account = slash > 0 ? ref.slice(0, slash).toLowerCase() : "";
  const roleName = slash > 0 ? ref.slice(slash + 1).toLowerCase() : "";
  return account === "" || roleName === "" ? null : { account, roleName };
}

function notFound(): AppError {
  return new AppError("not_found", "No such role, or you have no access to it.");
}

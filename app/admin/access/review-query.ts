import { ACCOUNT_ID_PATTERN } from "@/lib/admin/account-input";
import { ROLE_NAME_PATTERN } from "@/lib/admin/role-input";
import { AppError } from "@/lib/errors";

export type ReviewQuery =
  /** `account`: the 12-digit id, the account's name or its alias, as deep links accept. */
  | { kind: "account"; account: string; roleName?: string }
  | { kind: "user"; email: string }
  | { kind: "none" };

type Params = { get(name: string): string | null };

const EMAIL = /^[^\s@]{1,200}@[^\s@]{1,200}$/;

/** The review's query string, validated: a bad value is a clear 400, never a query. */
export function reviewQuery(params: Params): ReviewQuery {
  const account = params.get("account")?.trim() ?? "";
  const role = params.get("role")?.trim() ?? "";
  const user = params.get("user")?.trim() ?? "";
  if (account !== "") {
    // Digits only mean an account id; anything else is a name or alias.
    if (/^\d+$/.test(account) && !ACCOUNT_ID_PATTERN.test(account))
      throw new AppError("validation_error", "An AWS account id is exactly 12 digits.", {
        issues: [{ path: "account", message: "Expected 12 digits." }],
      });
    if (account.length > 64 || /[\u0000-\u001f\u007f]/.test(account))
      throw new AppError("validation_error", "Enter an account id, name or alias.", {
        issues: [{ path: "account", message: "Expected an account id, name or alias." }],
      });
    if (role !== "" && !ROLE_NAME_PATTERN.test(role))
      throw new AppError("validation_error", "Not an IAM role name.", {
        issues: [{ path: "role", message: "Expected an IAM role name." }],
      });
    return { kind: "account", account, ...(role ? { roleName: role } : {}) };
  }
  if (user !== "") {
    if (!EMAIL.test(user))
      throw new AppError("validation_error", "Enter an email address.", {
        issues: [{ path: "user", message: "Expected an email address." }],
      });
    return { kind: "user", email: user };
  }
  return { kind: "none" };
}

/** A role as Explain may name it. */
export interface NamedRole {
  arn: string;
  roleName: string;
  accountId: string;
  accountName: string;
  accountAlias: string;
}

/**
 * The ARN of the role Explain's field names: an ARN as given, or "account / role" (the account's
 * name, id or alias, then the role's name, as the field's suggestions and the rest of the portal
 * write it). Null when it names no role (or, through an alias, more than one).
 */
export function explainedRoleArn(input: string, roles: readonly NamedRole[]): string | null {
  const text = input.trim();
  if (text.startsWith("arn:")) return text;
  const slash = text.lastIndexOf("/");
  if (slash === -1) return null;
  const account = text.slice(0, slash).trim();
  const roleName = text.slice(slash + 1).trim();
  const named = roles.filter((r) => r.roleName === roleName);
  for (const key of ["accountName", "accountId", "accountAlias"] as const) {
    const found = named.filter((r) => r[key] !== "" && r[key] === account);
    if (found.length === 1) return found[0]!.arn;
    if (found.length > 1) return null;
  }
  return null;
}

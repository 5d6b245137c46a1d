import "server-only";
import { parseRoleArn, parseSamlProviderArn } from "@/lib/aws/partitions";

/** The SAML attribute that lists the AWS roles an assertion grants. */
export const AWS_ROLE_ATTRIBUTE = "https://aws.amazon.com/SAML/Attributes/Role";

export interface AwsRolePair {
  roleArn: string;
  principalArn: string;
}

export interface ParsedAwsRoles {
  /** Valid pairs, deduplicated, in the order the IdP listed them. */
  roles: AwsRolePair[];
  /** Values that were skipped, with why (for the server and audit log; values capped at 200 chars). */
  rejected: Array<{ value: string; reason: string }>;
}

const MAX_ARN_LENGTH = 2048;
const MAX_VALUES = 1000;

function parseOne(value: string): AwsRolePair | string {
  if (value.length > 2 * MAX_ARN_LENGTH + 1) return "value too long";
  const parts = value.split(",").map((p) => p.trim());
  if (parts.length !== 2) return "expected exactly two comma-separated ARNs";
  const [a = "", b = ""] = parts;
  // Either order is valid (AWS accepts both); tell them apart by resource type.
  const [roleArn, principalArn] = a.includes(":role/") ? [a, b] : [b, a];
  if (!roleArn.includes(":role/") || !principalArn.includes(":saml-provider/")) {
    return "expected one role ARN and one saml-provider ARN";
  }
  const role = parseRoleArn(roleArn);
  const provider = parseSamlProviderArn(principalArn);
  if (!role) return "malformed role ARN";
  if (!provider) return "malformed saml-provider ARN";
  if (role.partition !== provider.partition || role.accountId !== provider.accountId) {
    return "role and SAML provider are in different partitions or accounts";
  }
  return { roleArn, principalArn };
}

/**
 * Parses the values of `https://aws.amazon.com/SAML/Attributes/Role`: each is `role_arn,provider_arn`
 * in either order (told apart by `:role/` and `:saml-provider/`), both ARNs in partition aws,
 * aws-us-gov or aws-cn with a 12-digit account, and in the same partition and account.
 *
 * Malformed values do not fail the whole attribute: they are skipped and returned in `rejected`, so
 * the caller can log them and still offer the valid roles (an empty `roles` is the caller's
 * "missing_attribute"). Duplicates are dropped. At most 1000 values are read.
 */
export function parseAwsRoleAttribute(values: readonly string[]): ParsedAwsRoles {
  const roles: AwsRolePair[] = [];
  const rejected: ParsedAwsRoles["rejected"] = [];
  const seen = new Set<string>();
  values.forEach((value, index) => {
    if (index >= MAX_VALUES) {
      if (index === MAX_VALUES)
        rejected.push({ value: "", reason: `more than ${MAX_VALUES} values; the rest ignored` });
      return;
    }
    const parsed = parseOne(value);
    if (typeof parsed === "string") {
      rejected.push({ value: value.slice(0, 200), reason: parsed });
      return;
    }
    const key = `${parsed.roleArn},${parsed.principalArn}`;
    if (!seen.has(key)) {
      seen.add(key);
      roles.push(parsed);
    }
  });
  return { roles, rejected };
}

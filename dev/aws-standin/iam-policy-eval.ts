/**
 * Evaluating parsed IAM policies the way IAM does for one request: a statement applies when its
 * action, resource (permission policies) or principal (trust policies) and every condition clause
 * match; an applying Deny wins over any Allow; no applying Allow is an implicit deny.
 */
import type { ParsedPolicy, PolicyCondition, PolicyPrincipal, PolicyStatement } from "./iam-policy";

/** Who is asking, as a trust policy's Principal element sees it. */
export type RequestPrincipal =
  | {
      type: "aws";
      /** The caller's ARNs a Principal may name: the user or session ARN, and a session's role ARN. */
      arns: readonly string[];
      account: string;
      partition: string;
    }
  | { type: "federated"; providerArn: string };

export interface PolicyRequest {
  /** `sts:AssumeRole` etc. */
  action: string;
  /** The resource ARN (checked by permission policies). */
  resource: string;
  /** The caller (checked by trust policies). */
  principal: RequestPrincipal;
  /** Request context keys, lowercased, with their values; absent keys are not in the map. */
  context: ReadonlyMap<string, string>;
}

export type Verdict = "allow" | "deny" | "implicit-deny";

export function evaluatePolicy(policy: ParsedPolicy, request: PolicyRequest): Verdict {
  let isAllowed = false;
  for (const statement of policy.statements) {
    if (!applies(policy, statement, request)) continue;
    if (statement.effect === "Deny") return "deny";
    isAllowed = true;
  }
  return isAllowed ? "allow" : "implicit-deny";
}

function applies(
  policy: ParsedPolicy,
  statement: PolicyStatement,
  request: PolicyRequest,
): boolean {
  if (!statement.actions.some((pattern) => globMatch(pattern, request.action, true))) return false;
  if (policy.kind === "permission") {
    if (!statement.resources.some((pattern) => globMatch(pattern, request.resource, false))) {
      return false;
    }
  } else if (!statement.principal || !principalMatches(statement.principal, request.principal)) {
    return false;
  }
  return statement.conditions.every((condition) => conditionHolds(condition, request.context));
}

function principalMatches(principal: PolicyPrincipal, caller: RequestPrincipal): boolean {
  if (principal.isAnyone) return true;
  if (caller.type === "federated") return principal.federated.includes(caller.providerArn);
  const root = `arn:${caller.partition}:iam::${caller.account}:root`;
  return principal.aws.some(
    (name) =>
      name === "*" || name === caller.account || name === root || caller.arns.includes(name),
  );
}

const NEGATED = new Set([
  "StringNotEquals",
  "StringNotEqualsIgnoreCase",
  "StringNotLike",
  "ArnNotEquals",
  "ArnNotLike",
]);

/**
 * One clause. An absent key fails a matching operator and satisfies a negated one (IAM's rule),
 * `…IfExists` makes it hold, and `Null` asks about presence itself.
 */
function conditionHolds(condition: PolicyCondition, context: ReadonlyMap<string, string>): boolean {
  const value = context.get(condition.key);
  const { operator, values } = condition;
  if (operator === "Null") {
    const isAbsent = value === undefined;
    return values.some((v) => (v.toLowerCase() === "true") === isAbsent);
  }
  if (value === undefined) return condition.ifExists || NEGATED.has(operator);
  const matches = (expected: string): boolean => {
    switch (operator) {
      case "StringEquals":
      case "StringNotEquals":
        return value === expected;
      case "StringEqualsIgnoreCase":
      case "StringNotEqualsIgnoreCase":
        return value.toLowerCase() === expected.toLowerCase();
      case "Bool":
        return value.toLowerCase() === expected.toLowerCase();
      default:
        return globMatch(expected, value, false);
    }
  };
  const isMatch = values.some(matches);
  return NEGATED.has(operator) ? !isMatch : isMatch;
}

/** IAM wildcards: `*` any run of characters, `?` one character. */
export function globMatch(pattern: string, value: string, ignoreCase: boolean): boolean {
  const source = pattern
    .split("")
    .map((c) => (c === "*" ? ".*" : c === "?" ? "." : c.replace(/[.+^${}()|[\]\\/-]/g, "\\$&")))
    .join("");
  return new RegExp(`^${source}$`, ignoreCase ? "is" : "s").test(value);
}

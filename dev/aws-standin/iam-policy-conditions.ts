/**
 * The Condition element of IAM policies: the operators the stand-in evaluates and the request
 * context keys it supplies for STS calls. Anything else is refused as not modelled.
 */

export type ConditionOperator =
  | "StringEquals"
  | "StringNotEquals"
  | "StringEqualsIgnoreCase"
  | "StringNotEqualsIgnoreCase"
  | "StringLike"
  | "StringNotLike"
  | "ArnEquals"
  | "ArnLike"
  | "ArnNotEquals"
  | "ArnNotLike"
  | "Bool"
  | "Null";

export interface PolicyCondition {
  operator: ConditionOperator;
  /** `…IfExists`: true when the key is absent from the request. */
  ifExists: boolean;
  /** The context key, lowercased (IAM compares keys case-insensitively). */
  key: string;
  /** Any one matching value satisfies the clause. */
  values: string[];
}

const OPERATORS: readonly ConditionOperator[] = [
  "StringEquals",
  "StringNotEquals",
  "StringEqualsIgnoreCase",
  "StringNotEqualsIgnoreCase",
  "StringLike",
  "StringNotLike",
  "ArnEquals",
  "ArnLike",
  "ArnNotEquals",
  "ArnNotLike",
  "Bool",
  "Null",
];

/** The request context keys the stand-in supplies for STS calls (docs/AWS-STANDIN.md). */
export const CONDITION_KEYS: readonly string[] = [
  "aws:MultiFactorAuthPresent",
  "aws:PrincipalArn",
  "aws:PrincipalAccount",
  "sts:ExternalId",
  "sts:RoleSessionName",
  "sts:SourceIdentity",
  "SAML:aud",
  "SAML:iss",
  "SAML:sub",
  "SAML:sub_type",
  "SAML:namequalifier",
];
const KNOWN_KEYS = new Set(CONDITION_KEYS.map((key) => key.toLowerCase()));

/** How a refused but valid IAM construct is described. */
export const NOT_MODELLED = "is not modelled by the stand-in";

/**
 * Reads a statement's Condition block: each supported operator (optionally `…IfExists`) over
 * the context keys the stand-in supplies, with its values as text. Problems go to `problems`.
 */
export function readConditions(raw: unknown, at: string, problems: string[]): PolicyCondition[] {
  if (!isObject(raw)) {
    problems.push(`${at} must be an object`);
    return [];
  }
  const conditions: PolicyCondition[] = [];
  for (const [name, clauses] of Object.entries(raw)) {
    const ifExists = name.endsWith("IfExists");
    const operator = OPERATORS.find((op) => op === (ifExists ? name.slice(0, -8) : name));
    if (!operator || (operator === "Null" && ifExists)) {
      problems.push(`${at}.${name}: the condition operator ${NOT_MODELLED}`);
      continue;
    }
    if (!isObject(clauses)) {
      problems.push(`${at}.${name} must be an object of condition keys`);
      continue;
    }
    for (const [key, value] of Object.entries(clauses)) {
      const where = `${at}.${name}.${key}`;
      if (!KNOWN_KEYS.has(key.toLowerCase())) {
        problems.push(
          `${where}: the condition key ${NOT_MODELLED} (it knows ${CONDITION_KEYS.join(", ")})`,
        );
        continue;
      }
      const values = scalarList(value, where, problems);
      if (values === undefined) continue;
      if (
        (operator === "Bool" || operator === "Null") &&
        values.some((v) => !/^(?:true|false)$/i.test(v))
      ) {
        problems.push(`${where} must be true or false`);
        continue;
      }
      conditions.push({ operator, ifExists, key: key.toLowerCase(), values });
    }
  }
  return conditions;
}

/** Condition values: strings, booleans or numbers (IAM reads them as text), one or a list. */
function scalarList(raw: unknown, at: string, problems: string[]): string[] | undefined {
  const list = Array.isArray(raw) ? raw : [raw];
  const isScalar = (v: unknown) =>
    typeof v === "string" ||
    typeof v === "boolean" ||
    (typeof v === "number" && Number.isFinite(v));
  if (list.length === 0 || !list.every(isScalar)) {
    problems.push(`${at} must be a string, boolean or number, or a non-empty array of them`);
    return undefined;
  }
  return list.map((v) => String(v));
}

export function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

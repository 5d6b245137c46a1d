import "server-only";

/**
 * AWS's limit on the plaintext of an inline session policy (AssumeRole `Policy`): 2,048
 * characters. We send the minified document, so that is what is measured.
 */
export const MAX_SESSION_POLICY_CHARS = 2048;

const VERSIONS = new Set(["2012-10-17", "2008-10-17"]);
const TOP_LEVEL_KEYS = new Set(["Version", "Id", "Statement"]);
const STATEMENT_KEYS = new Set([
  "Sid",
  "Effect",
  "Action",
  "NotAction",
  "Resource",
  "NotResource",
  "Condition",
]);
// `service:Action` with IAM wildcards, or "*" alone.
const ACTION = /^(\*|[a-z0-9-]{1,64}:[A-Za-z0-9*?]{1,128})$/;
// "*" or an ARN (wildcards and policy variables allowed in any part after "arn:").
const RESOURCE = /^(\*|arn:[^\s]{1,2044})$/;
const SID = /^[A-Za-z0-9]{0,128}$/;
// STS's pattern for `Policy` (AssumeRole API reference): tab, LF, CR and U+0020–U+00FF only.
const OUTSIDE_POLICY_CHARS = /[^\u0009\u000A\u000D\u0020-\u00FF]/u;

export type SessionPolicyCheck = { ok: true; minified: string } | { ok: false; message: string };

/**
 * Checks that `text` is an IAM session policy AWS will take, before any STS call: a JSON object
 * with Version 2012-10-17 (or 2008-10-17) and a Statement (object or non-empty array); each
 * statement has Effect Allow|Deny, exactly one of Action/NotAction and of Resource/NotResource
 * (a string or a non-empty string array), an optional Sid and Condition (object), and no
 * Principal (session policies are identity policies). The minified document must fit AWS's
 * 2,048-character limit and its character set (Latin-1: U+0020–U+00FF, tab, LF, CR). Messages name the offending part ("Statement[1].Effect must be Allow or
 * Deny"); they quote no values, so they are safe to show to whoever stored the policy.
 */
export function validateSessionPolicy(text: string): SessionPolicyCheck {
  const fail = (message: string): SessionPolicyCheck => ({ ok: false, message });
  if (typeof text !== "string" || text.trim() === "") return fail("The session policy is empty.");
  let doc: unknown;
  try {
    doc = JSON.parse(text);
  } catch {
    return fail("The session policy is not valid JSON.");
  }
  if (!isPlainObject(doc)) return fail("The session policy must be a JSON object.");
  for (const key of Object.keys(doc)) {
    if (!TOP_LEVEL_KEYS.has(key))
      return fail(`The session policy has an unknown top-level element "${clip(key)}".`);
  }
  if (typeof doc.Version !== "string" || !VERSIONS.has(doc.Version))
    return fail('Version must be "2012-10-17" (or "2008-10-17").');
  if (doc.Id !== undefined && typeof doc.Id !== "string") return fail("Id must be a string.");
  const statements = Array.isArray(doc.Statement)
    ? (doc.Statement as unknown[])
    : isPlainObject(doc.Statement)
      ? [doc.Statement]
      : null;
  if (!statements) return fail("Statement must be an object or a non-empty array of objects.");
  if (statements.length === 0) return fail("Statement must not be an empty array.");
  for (const [i, statement] of statements.entries()) {
    const problem = statementProblem(statement, `Statement[${i}]`);
    if (problem) return fail(problem);
  }
  const minified = JSON.stringify(doc);
  const outside = OUTSIDE_POLICY_CHARS.exec(minified);
  if (outside) {
    const codePoint = outside[0].codePointAt(0) ?? 0;
    return fail(
      `The session policy contains U+${codePoint.toString(16).toUpperCase().padStart(4, "0")}; AWS accepts only Latin-1 characters (U+0020 to U+00FF, tab and line breaks) in a session policy.`,
    );
  }
  if (minified.length > MAX_SESSION_POLICY_CHARS) {
    return fail(
      `The session policy is ${minified.length} characters minified; AWS allows at most ${MAX_SESSION_POLICY_CHARS}.`,
    );
  }
  return { ok: true, minified };
}

function statementProblem(statement: unknown, at: string): string | null {
  if (!isPlainObject(statement)) return `${at} must be an object.`;
  for (const key of Object.keys(statement)) {
    if (key === "Principal" || key === "NotPrincipal")
      return `${at}.${key} is not allowed in a session policy.`;
    if (!STATEMENT_KEYS.has(key)) return `${at} has an unknown element "${clip(key)}".`;
  }
  if (
    statement.Sid !== undefined &&
    (typeof statement.Sid !== "string" || !SID.test(statement.Sid))
  )
    return `${at}.Sid must be letters and digits only.`;
  if (statement.Effect !== "Allow" && statement.Effect !== "Deny")
    return `${at}.Effect must be Allow or Deny.`;
  const action = exactlyOne(statement, at, "Action", "NotAction", ACTION, "service:Action or *");
  if (action) return action;
  const resource = exactlyOne(statement, at, "Resource", "NotResource", RESOURCE, "an ARN or *");
  if (resource) return resource;
  if (statement.Condition !== undefined) {
    if (!isPlainObject(statement.Condition) || Object.keys(statement.Condition).length === 0)
      return `${at}.Condition must be a non-empty object.`;
    for (const [operator, block] of Object.entries(statement.Condition)) {
      if (!isPlainObject(block) || Object.keys(block).length === 0)
        return `${at}.Condition.${clip(operator)} must be a non-empty object of condition keys.`;
      for (const [key, value] of Object.entries(block)) {
        if (!isConditionValue(value))
          return `${at}.Condition.${clip(operator)}.${clip(key)} must be a string, number, boolean or a non-empty array of them.`;
      }
    }
  }
  return null;
}

function exactlyOne(
  statement: Record<string, unknown>,
  at: string,
  name: string,
  notName: string,
  pattern: RegExp,
  expected: string,
): string | null {
  const has = statement[name] !== undefined;
  const hasNot = statement[notName] !== undefined;
  if (has === hasNot) return `${at} must have exactly one of ${name} or ${notName}.`;
  const key = has ? name : notName;
  const value = statement[key];
  const values = typeof value === "string" ? [value] : Array.isArray(value) ? value : null;
  if (!values || values.length === 0 || !values.every((v) => typeof v === "string"))
    return `${at}.${key} must be a string or a non-empty array of strings.`;
  const bad = values.findIndex((v) => !pattern.test(v));
  if (bad !== -1)
    return `${at}.${key}${typeof value === "string" ? "" : `[${bad}]`} must be ${expected}.`;
  return null;
}

function isConditionValue(value: unknown): boolean {
  const scalar = (v: unknown) =>
    typeof v === "string" ||
    typeof v === "boolean" ||
    (typeof v === "number" && Number.isFinite(v));
  return scalar(value) || (Array.isArray(value) && value.length > 0 && value.every(scalar));
}

function isPlainObject(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

/** Keys come from an admin's document: keep them short in messages. */
function clip(key: string): string {
  return key.length > 40 ? `${key.slice(0, 40)}…` : key;
}

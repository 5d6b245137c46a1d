/**
 * IAM policy documents as an operator writes them — a role's trust policy, a principal's
 * permission (identity) policy — read into a form the stand-in can evaluate. The grammar is the
 * part of IAM's that matters for STS; anything outside it is refused by name rather than quietly
 * ignored, because a stand-in that skips a condition answers "allowed" where AWS would not.
 */
import {
  isObject,
  NOT_MODELLED,
  readConditions,
  type PolicyCondition,
} from "./iam-policy-conditions";

export type { ConditionOperator, PolicyCondition } from "./iam-policy-conditions";
export { CONDITION_KEYS } from "./iam-policy-conditions";

export type PolicyKind = "trust" | "permission";

export interface PolicyPrincipal {
  /** `"Principal": "*"`: anyone, signed or federated. */
  isAnyone: boolean;
  /** `AWS` values: `*`, account ids, and user, role, root or assumed-role ARNs. */
  aws: string[];
  /** `Federated` values (SAML provider ARNs match AssumeRoleWithSAML; others never match here). */
  federated: string[];
  /** `Service` values: accepted, never matched (no AWS service calls the stand-in). */
  service: string[];
}

export interface PolicyStatement {
  sid: string | undefined;
  effect: "Allow" | "Deny";
  /** Trust policies only. */
  principal: PolicyPrincipal | undefined;
  /** Action patterns (`sts:AssumeRole`, `sts:*`, `*`), compared case-insensitively. */
  actions: string[];
  /** Permission policies only: resource ARN patterns (`*` and `?` wildcards). */
  resources: string[];
  /** Every clause must hold. */
  conditions: PolicyCondition[];
}

export interface ParsedPolicy {
  kind: PolicyKind;
  statements: PolicyStatement[];
}

const VERSIONS = ["2012-10-17", "2008-10-17"];
const ACTION = /^(?:\*|[a-z0-9-]+:[A-Za-z0-9*?]+)$/i;
const AWS_PRINCIPAL =
  /^(?:\*|\d{12}|arn:(?:aws|aws-us-gov|aws-cn):iam::\d{12}:(?:root|(?:user|role)\/(?:[\w+=,.@-]+\/)*[\w+=,.@-]{1,64})|arn:(?:aws|aws-us-gov|aws-cn):sts::\d{12}:assumed-role\/[\w+=,.@-]{1,64}\/[\w+=,.@-]{2,64})$/;
const SERVICE_PRINCIPAL = /^[a-z0-9.-]+\.amazonaws\.com(?:\.cn)?$/;

/**
 * Reads an IAM policy document (JSON text or the parsed object) of the given kind.
 *
 * Trust policies need a Principal and may not have a Resource; permission policies need a
 * Resource and may not have a Principal (IAM's own rules). NotPrincipal, NotAction, NotResource,
 * set operators (`ForAnyValue:`), other condition operators and context keys outside
 * CONDITION_KEYS are refused as not modelled.
 *
 * @throws TypeError listing every problem, each with its place in the document
 *   (`Statement[1].Condition.StringEquals`).
 */
export function parseIamPolicy(document: unknown, kind: PolicyKind): ParsedPolicy {
  const problems: string[] = [];
  const root = readRoot(document, problems);
  const statements = root ? readDocument(root, kind, problems) : [];
  if (problems.length > 0) throw new TypeError(`${kind} policy: ${problems.join("; ")}`);
  return { kind, statements };
}

function readDocument(
  root: Record<string, unknown>,
  kind: PolicyKind,
  problems: string[],
): PolicyStatement[] {
  for (const key of Object.keys(root)) {
    if (!["Version", "Id", "Statement"].includes(key)) {
      problems.push(`${key} is not a policy element`);
    }
  }
  const { Version, Id, Statement } = root;
  if (Version !== undefined && (typeof Version !== "string" || !VERSIONS.includes(Version))) {
    problems.push(`Version must be ${VERSIONS.join(" or ")}`);
  }
  if (Id !== undefined && typeof Id !== "string") problems.push("Id must be a string");
  const list: unknown[] = Array.isArray(Statement) ? Statement : [Statement];
  if (Statement === undefined || list.length === 0) {
    problems.push("Statement is required");
    return [];
  }
  return list.flatMap((raw, i) => readStatement(raw, kind, `Statement[${i}]`, problems) ?? []);
}

function readRoot(document: unknown, problems: string[]): Record<string, unknown> | undefined {
  let value = document;
  if (typeof document === "string") {
    try {
      value = JSON.parse(document);
    } catch (error) {
      problems.push(`is not JSON (${error instanceof Error ? error.message : String(error)})`);
      return undefined;
    }
  }
  if (!isObject(value)) {
    problems.push("must be a JSON object");
    return undefined;
  }
  return value;
}

function readStatement(
  raw: unknown,
  kind: PolicyKind,
  at: string,
  problems: string[],
): PolicyStatement | undefined {
  if (!isObject(raw)) {
    problems.push(`${at} must be an object`);
    return undefined;
  }
  const allowed = ["Sid", "Effect", "Principal", "Action", "Resource", "Condition"];
  for (const key of Object.keys(raw)) {
    if (["NotPrincipal", "NotAction", "NotResource"].includes(key)) {
      problems.push(`${at}.${key} ${NOT_MODELLED}`);
    } else if (!allowed.includes(key)) {
      problems.push(`${at}.${key} is not a statement element`);
    }
  }
  const { Sid, Effect } = raw;
  if (Sid !== undefined && (typeof Sid !== "string" || !/^[A-Za-z0-9]*$/.test(Sid))) {
    problems.push(`${at}.Sid must be letters and digits`);
  }
  if (Effect !== "Allow" && Effect !== "Deny") problems.push(`${at}.Effect must be Allow or Deny`);

  const actions = stringList(raw.Action, `${at}.Action`, problems) ?? [];
  for (const action of actions) {
    if (!ACTION.test(action))
      problems.push(`${at}.Action ${JSON.stringify(action)} is not service:action`);
  }

  let principal: PolicyPrincipal | undefined;
  let resources: string[] = [];
  if (kind === "trust") {
    if (raw.Resource !== undefined) problems.push(`${at} has prohibited field Resource`);
    if (raw.Principal === undefined) problems.push(`${at}.Principal is required in a trust policy`);
    else principal = readPrincipal(raw.Principal, `${at}.Principal`, problems);
  } else {
    if (raw.Principal !== undefined) problems.push(`${at} has prohibited field Principal`);
    resources = stringList(raw.Resource, `${at}.Resource`, problems) ?? [];
    for (const resource of resources) {
      if (resource !== "*" && !resource.startsWith("arn:")) {
        problems.push(`${at}.Resource ${JSON.stringify(resource)} must be an ARN or *`);
      }
    }
  }
  const conditions =
    raw.Condition === undefined ? [] : readConditions(raw.Condition, `${at}.Condition`, problems);
  if (Effect !== "Allow" && Effect !== "Deny") return undefined;
  return {
    sid: typeof Sid === "string" ? Sid : undefined,
    effect: Effect,
    principal,
    actions,
    resources,
    conditions,
  };
}

function readPrincipal(raw: unknown, at: string, problems: string[]): PolicyPrincipal {
  const principal: PolicyPrincipal = { isAnyone: false, aws: [], federated: [], service: [] };
  if (raw === "*") return { ...principal, isAnyone: true };
  if (!isObject(raw)) {
    problems.push(`${at} must be "*" or an object of AWS, Federated or Service`);
    return principal;
  }
  for (const [type, value] of Object.entries(raw)) {
    const values = stringList(value, `${at}.${type}`, problems) ?? [];
    if (type === "AWS") {
      principal.aws = values;
      for (const arn of values) {
        if (!AWS_PRINCIPAL.test(arn))
          problems.push(`${at}.AWS ${JSON.stringify(arn)} is an invalid principal`);
      }
    } else if (type === "Federated") {
      principal.federated = values;
    } else if (type === "Service") {
      principal.service = values;
      for (const name of values) {
        if (!SERVICE_PRINCIPAL.test(name))
          problems.push(`${at}.Service ${JSON.stringify(name)} is an invalid principal`);
      }
    } else {
      problems.push(`${at}.${type} ${NOT_MODELLED}`);
    }
  }
  return principal;
}

/** A string or a non-empty array of strings. */
function stringList(raw: unknown, at: string, problems: string[]): string[] | undefined {
  if (raw === undefined) {
    problems.push(`${at} is required`);
    return undefined;
  }
  const list = Array.isArray(raw) ? raw : [raw];
  if (list.length === 0 || !list.every((item) => typeof item === "string" && item !== "")) {
    problems.push(`${at} must be a string or a non-empty array of strings`);
    return undefined;
  }
  return list as string[];
}

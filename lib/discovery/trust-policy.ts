/**
 * Reading a role's trust policy the way discovery needs it: can the portal assume this role, and
 * how? IAM returns AssumeRolePolicyDocument URL-encoded (RFC 3986) from ListRoles and GetRole;
 * config files and people paste plain JSON. Both are accepted. Only Allow statements count; a Deny
 * or a condition the portal can't meet is reported, not guessed around (docs/DISCOVERY.md).
 */

export type TrustVerdict =
  /** The broker principal (its user or role, or its account root) may call sts:AssumeRole. */
  | {
      kind: "broker";
      requiresMfa: boolean;
      /** The policy requires sts:ExternalId: an admin must enter it on the role. */
      requiresExternalId: boolean;
    }
  /** A SAML provider in the role's account may call sts:AssumeRoleWithSAML. */
  | { kind: "saml"; samlProviderArn: string }
  /** Neither: the portal could not assume the role. */
  | { kind: "untrusted"; reason: string };

export interface TrustContext {
  /** The broker's IAM ARN (a user, or the role behind an assumed-role session). */
  brokerArn: string;
  brokerAccount: string;
  partition: string;
}

interface Statement {
  Effect?: unknown;
  Principal?: unknown;
  Action?: unknown;
  Condition?: unknown;
}

/** JSON text or IAM's URL-encoded form, to the parsed document; null when neither parses. */
export function decodeTrustPolicy(document: string): unknown {
  const text = document.trim();
  for (const candidate of text.startsWith("{") ? [text] : [safeDecode(text), text]) {
    if (candidate === null) continue;
    try {
      return JSON.parse(candidate) as unknown;
    } catch {
      // try the next form
    }
  }
  return null;
}

function safeDecode(text: string): string | null {
  try {
    return decodeURIComponent(text);
  } catch {
    return null;
  }
}

/**
 * Who may assume the role by this trust policy, as far as the portal is concerned. `roleAccount`
 * (the role's own account) binds a SAML provider to it: AssumeRoleWithSAML takes a provider in the
 * role's account and partition only, so one elsewhere could never be used.
 */
export function readTrust(
  document: string,
  context: TrustContext,
  roleAccount?: string,
): TrustVerdict {
  const policy = decodeTrustPolicy(document);
  if (policy === null || typeof policy !== "object")
    return { kind: "untrusted", reason: "the trust policy is not valid JSON" };
  const raw = (policy as { Statement?: unknown }).Statement;
  const statements = (Array.isArray(raw) ? raw : raw === undefined ? [] : [raw]).filter(
    (s): s is Statement => typeof s === "object" && s !== null,
  );
  const allows = statements.filter((s) => s.Effect === "Allow");
  const brokerPrincipals = new Set([
    context.brokerArn,
    `arn:${context.partition}:iam::${context.brokerAccount}:root`,
    context.brokerAccount,
  ]);
  for (const s of allows) {
    if (!actionsOf(s).some((a) => matchesAction(a, "sts:AssumeRole"))) continue;
    if (!principalsOf(s, "AWS").some((p) => brokerPrincipals.has(p) || p === "*")) continue;
    const conditions = conditionKeys(s.Condition);
    if (denies(statements, brokerPrincipals, "sts:AssumeRole"))
      return { kind: "untrusted", reason: "a Deny statement refuses the broker" };
    return {
      kind: "broker",
      requiresMfa: conditions.has("aws:multifactorauthpresent"),
      requiresExternalId: conditions.has("sts:externalid"),
    };
  }
  const usableProvider = new RegExp(
    `^arn:${context.partition}:iam::${roleAccount ?? "\\d{12}"}:saml-provider/[\\w.-]+$`,
  );
  let elsewhere: string | undefined;
  for (const s of allows) {
    if (!actionsOf(s).some((a) => matchesAction(a, "sts:AssumeRoleWithSAML"))) continue;
    const providers = principalsOf(s, "Federated").filter((p) => p.includes(":saml-provider/"));
    const provider = providers.find((p) => usableProvider.test(p));
    if (provider) return { kind: "saml", samlProviderArn: provider };
    elsewhere ??= providers[0];
  }
  if (elsewhere !== undefined)
    return {
      kind: "untrusted",
      reason: `its SAML provider ${elsewhere.slice(0, 200)} is not in the role's account and partition, where AssumeRoleWithSAML needs it`,
    };
  return {
    kind: "untrusted",
    reason: `the trust policy names neither the broker (${context.brokerArn}) nor a SAML provider`,
  };
}

function actionsOf(s: Statement): string[] {
  const a = s.Action;
  return (Array.isArray(a) ? a : [a]).filter((x): x is string => typeof x === "string");
}

function matchesAction(pattern: string, action: string): boolean {
  const p = pattern.toLowerCase();
  const target = action.toLowerCase();
  if (p === target || p === "*" || p === "sts:*") return true;
  if (!p.includes("*") && !p.includes("?")) return false;
  const re = new RegExp(
    `^${p
      .replace(/[.+^${}()|[\]\\]/g, "\\$&")
      .replace(/\*/g, ".*")
      .replace(/\?/g, ".")}$`,
  );
  return re.test(target);
}

function principalsOf(s: Statement, kind: "AWS" | "Federated"): string[] {
  const p = s.Principal;
  if (p === "*") return kind === "AWS" ? ["*"] : [];
  if (typeof p !== "object" || p === null) return [];
  const value = (p as Record<string, unknown>)[kind];
  return (Array.isArray(value) ? value : [value]).filter((x): x is string => typeof x === "string");
}

/** Condition keys in lower case, whatever their operator. */
function conditionKeys(condition: unknown): Set<string> {
  const keys = new Set<string>();
  if (typeof condition !== "object" || condition === null) return keys;
  for (const block of Object.values(condition as Record<string, unknown>)) {
    if (typeof block !== "object" || block === null) continue;
    for (const key of Object.keys(block)) keys.add(key.toLowerCase());
  }
  return keys;
}

/** Whether an unconditional Deny refuses this action to one of the principals. */
function denies(statements: Statement[], principals: Set<string>, action: string): boolean {
  return statements.some(
    (s) =>
      s.Effect === "Deny" &&
      s.Condition === undefined &&
      actionsOf(s).some((a) => matchesAction(a, action)) &&
      principalsOf(s, "AWS").some((p) => p === "*" || principals.has(p)),
  );
}

/**
 * Parameter constraints the way STS (and IAM) report them: every violated constraint is collected and the
 * request fails once with "N validation errors detected: …; …", each part naming the value, the
 * member (camelCase, as AWS prints it) and the constraint.
 */
import { StsError } from "./sts-errors";

/** Patterns as AWS documents them (shown in messages) and as JavaScript checks them. */
export const PATTERNS = {
  sessionName: { text: "[\\w+=,.@-]*", regex: /^[\w+=,.@-]*$/ },
  sourceIdentity: { text: "[\\w+=,.@-]*", regex: /^[\w+=,.@-]*$/ },
  externalId: { text: "[\\w+=,.@:\\/-]*", regex: /^[\w+=,.@:/-]*$/ },
  serialNumber: { text: "[\\w+=/:,.@-]*", regex: /^[\w+=/:,.@-]*$/ },
  tokenCode: { text: "[\\d]*", regex: /^\d*$/ },
  // A session policy (AssumeRole*, `Policy`): Latin-1 text only, unlike an ARN.
  sessionPolicy: {
    text: "[\\u0009\\u000A\\u000D\\u0020-\\u00FF]+",
    regex: /^[\u0009\u000A\u000D\u0020-\u00FF]+$/,
  },
  tagKey: { text: "[\\p{L}\\p{Z}\\p{N}_.:/=+\\-@]+", regex: /^[\p{L}\p{Z}\p{N}_.:/=+\-@]+$/u },
  tagValue: { text: "[\\p{L}\\p{Z}\\p{N}_.:/=+\\-@]*", regex: /^[\p{L}\p{Z}\p{N}_.:/=+\-@]*$/u },
  // IAM's (ListRoles, GetRole).
  pathPrefix: { text: "\\u002F[\\u0021-\\u007F]*", regex: /^\/[\u0021-\u007F]*$/ },
  roleName: { text: "[\\w+=,.@-]+", regex: /^[\w+=,.@-]+$/ },
  marker: { text: "[\\u0020-\\u00FF]+", regex: /^[\u0020-\u00FF]+$/ },
  unicodeText: {
    text: "[\\u0009\\u000A\\u000D\\u0020-\\u007E\\u0085\\u00A0-\\uD7FF\\uE000-\\uFFFD\\u10000-\\u10FFFF]+",
    regex:
      /^[\u0009\u000A\u000D\u0020-\u007E\u0085\u00A0-\uD7FF\uE000-\uFFFD\u{10000}-\u{10FFFF}]+$/u,
  },
} as const;

export type PatternName = keyof typeof PATTERNS;

export class Violations {
  private readonly items: string[] = [];

  /** A required member that was not sent. */
  required(member: string, value: string | undefined): void {
    if (value === undefined) {
      this.items.push(
        `Value null at '${member}' failed to satisfy constraint: Member must not be null`,
      );
    }
  }

  /** Length bounds and pattern of an optional string member (AWS checks both independently). */
  text(
    member: string,
    value: string | undefined,
    min: number,
    max: number,
    pattern?: PatternName,
  ): void {
    if (value === undefined) return;
    if (pattern && !PATTERNS[pattern].regex.test(value)) {
      this.fail(
        member,
        value,
        `Member must satisfy regular expression pattern: ${PATTERNS[pattern].text}`,
      );
    }
    this.bounds(member, value, value.length, min, max, "length");
  }

  /**
   * Length bounds of a secret-bearing member (a SAML assertion): the message names the member and
   * the constraint but, as AWS does for sensitive members, never echoes the value.
   */
  secretText(member: string, value: string | undefined, min: number, max: number): void {
    if (value === undefined) return;
    const constraint = (relation: string, bound: number) =>
      `Value at '${member}' failed to satisfy constraint: Member must have length ${relation} ${bound}`;
    if (value.length < min) this.items.push(constraint("greater than or equal to", min));
    if (value.length > max) this.items.push(constraint("less than or equal to", max));
  }

  /** An integer member; returns the number when it is one. */
  integer(member: string, raw: string | undefined, min: number, max: number): number | undefined {
    if (raw === undefined) return undefined;
    if (!/^-?\d{1,15}$/.test(raw)) {
      this.fail(member, raw, "Member must be an integer");
      return undefined;
    }
    const value = Number(raw);
    this.bounds(member, raw, value, min, max, "value");
    return value;
  }

  /** A list member's size. */
  listSize(member: string, count: number, max: number): void {
    if (count > max) {
      this.fail(
        member,
        `[${count} members]`,
        `Member must have length less than or equal to ${max}`,
      );
    }
  }

  /** @throws StsError ValidationError when any constraint failed. */
  throwIfAny(): void {
    const n = this.items.length;
    if (n === 0) return;
    const noun = n === 1 ? "validation error" : "validation errors";
    throw new StsError("ValidationError", `${n} ${noun} detected: ${this.items.join("; ")}`);
  }

  private bounds(
    member: string,
    shown: string,
    measured: number,
    min: number,
    max: number,
    what: "length" | "value",
  ): void {
    const prefix = `Member must have ${what}`;
    if (measured < min) this.fail(member, shown, `${prefix} greater than or equal to ${min}`);
    if (measured > max) this.fail(member, shown, `${prefix} less than or equal to ${max}`);
  }

  private fail(member: string, value: string, constraint: string): void {
    this.items.push(`Value '${value}' at '${member}' failed to satisfy constraint: ${constraint}`);
  }
}

/**
 * IAM User Guide, "Tagging IAM resources" (the naming rules session tags follow): no tag key or
 * value may begin with `aws:`, a prefix reserved for AWS. Compared ignoring case (stricter than the
 * guide says; AWS's general tagging rules reserve every casing).
 */
export function hasReservedTagPrefix(text: string): boolean {
  return text.toLowerCase().startsWith("aws:");
}

/** One flattened Query-protocol list (`Name.member.N[.Field]`), in index order. */
export function readMemberList(params: URLSearchParams, name: string): Array<Map<string, string>> {
  const byIndex = new Map<number, Map<string, string>>();
  const pattern = new RegExp(`^${name}\\.member\\.(\\d{1,4})(?:\\.(\\w+))?$`);
  for (const [key, value] of params) {
    const m = pattern.exec(key);
    if (!m) continue;
    const index = Number(m[1]);
    const fields = byIndex.get(index) ?? new Map<string, string>();
    if (!fields.has(m[2] ?? "")) fields.set(m[2] ?? "", value);
    byIndex.set(index, fields);
  }
  return [...byIndex.entries()].sort(([a], [b]) => a - b).map(([, fields]) => fields);
}

/** The first value of a parameter, or undefined (an empty value counts as sent). */
export function param(params: URLSearchParams, name: string): string | undefined {
  return params.get(name) ?? undefined;
}

import "server-only";
import { createHash } from "node:crypto";
import { z } from "zod";
import {
  MAX_ROLE_MAX_SESSION_SECONDS,
  MAX_SESSION_SECONDS,
  MIN_ROLE_MAX_SESSION_SECONDS,
  MIN_SESSION_SECONDS,
  parseRoleArn,
  parseSamlProviderArn,
  PARTITION_FACTS,
  roleArnFor,
  type AwsPartition,
} from "@/lib/aws/partitions";
import { validateSessionPolicy } from "@/lib/aws/session-policy";

/**
 * Input rules for the admin editors of accounts, roles and access rules. Every schema reports all
 * of its issues by field (every issue, with its field path), and the messages are
 * safe to show next to the field they name.
 */

export type FieldErrors = Record<string, string>;

/** What an admin edit returns: the saved row's id and version, or why nothing was saved. */
export type AdminResult =
  | { ok: true; id: string; version: number; warnings: string[] }
  | {
      ok: false;
      /**
       * invalid: see `errors` (by field); conflict: the row changed since the form was loaded;
       * not_found: it is gone; audit_unavailable: the audit log refused the record, so the
       * change was rolled back with it; database_unavailable: a database fault, the change's
       * fate unknown until the page is reloaded.
       */
      reason: "invalid" | "conflict" | "not_found" | "audit_unavailable" | "database_unavailable";
      errors: FieldErrors;
    };

export function invalid(errors: FieldErrors): AdminResult {
  return { ok: false, reason: "invalid", errors };
}

export function conflict(what: "account" | "role" | "rule"): AdminResult {
  return {
    ok: false,
    reason: "conflict",
    errors: {
      form: `This ${what} was changed by someone else since you opened it; reload to see their change. Nothing was saved.`,
    },
  };
}

export function notFound(what: "account" | "role" | "rule"): AdminResult {
  return {
    ok: false,
    reason: "not_found",
    errors: { form: `This ${what} no longer exists: someone deleted it.` },
  };
}

/** Every issue of a failed parse, joined per field ("form" for issues without a path). */
export function fieldErrorsOf(error: z.ZodError): FieldErrors {
  const errors: FieldErrors = {};
  for (const issue of error.issues) {
    const key = issue.path.map(String).join(".") || "form";
    errors[key] = errors[key] ? `${errors[key]} ${issue.message}` : issue.message;
  }
  return errors;
}

/**
 * Parses a form with `schema` and, when some fields are invalid, parses it again with those fields
 * replaced by neutral `fallbacks`, so the form's cross-field checks still run on everything else:
 * every problem is reported at once, not the next one only after the first is fixed. `invalid`
 * names the fields that failed (their fallbacks must not cause cross-field errors of their own).
 */
function parseAllFields<S extends z.ZodType<Record<string, unknown>>>(
  schema: S,
  raw: Record<string, unknown>,
  fallbacks: z.input<S>,
): { input: z.output<S>; errors: FieldErrors; invalid: Set<string> } | { errors: FieldErrors } {
  const first = schema.safeParse(raw);
  if (first.success) return { input: first.data, errors: {}, invalid: new Set() };
  const errors = fieldErrorsOf(first.error);
  const invalid = new Set(first.error.issues.map((i) => String(i.path[0] ?? "form")));
  const patched: Record<string, unknown> = { ...raw };
  for (const key of invalid) patched[key] = (fallbacks as Record<string, unknown>)[key];
  const second = schema.safeParse(patched);
  return second.success ? { input: second.data, errors, invalid } : { errors };
}

const CONTROL_CHARS = /[\u0000-\u001f\u007f]/;
const noControlChars = (s: string) => !CONTROL_CHARS.test(s);

const description = z
  .string()
  .trim()
  .max(500, "Keep the description under 500 characters.")
  .refine(noControlChars, "Use a single line of plain text.");

/** The environment labels offered in the form; any other short lowercase label is accepted too. */
export const ENVIRONMENT_SUGGESTIONS = ["prod", "staging", "dev", "test", "sandbox", "shared"];

export const ACCOUNT_ID_PATTERN = /^\d{12}$/;
export const ROLE_NAME_PATTERN = /^[\w+=,.@-]{1,64}$/;
const EXTERNAL_ID = /^[\w+=,.@:/-]{2,1224}$/;

export const accountInput = z.object({
  accountId: z
    .string()
    .trim()
    .regex(ACCOUNT_ID_PATTERN, "An AWS account id is exactly 12 digits, e.g. 123456789012."),
  name: z
    .string()
    .trim()
    .min(1, "Give the account a name.")
    .max(64, "Keep the name to 64 characters.")
    .refine(noControlChars, "Use plain text."),
  alias: z
    .string()
    .trim()
    .toLowerCase()
    .max(64, "Keep the alias to 64 characters.")
    .regex(/^([a-z0-9][a-z0-9._-]*)?$/, "Letters, digits, dots, dashes and underscores only."),
  environment: z
    .string()
    .trim()
    .toLowerCase()
    .regex(
      /^[a-z0-9][a-z0-9-]{0,23}$/,
      "A short label: lowercase letters, digits and dashes (e.g. prod, staging, dev).",
    ),
  description,
});
export type AccountInput = z.input<typeof accountInput>;

export const roleInputBase = z.object({
  name: z
    .string()
    .trim()
    .regex(
      ROLE_NAME_PATTERN,
      "An IAM role name: 1–64 letters, digits and + = , . @ _ - (no spaces or slashes).",
    ),
  /** Empty: built from the account id and the name. */
  arn: z.string().trim().max(2048, "That is far too long for a role ARN."),
  description,
  maxSessionDurationSeconds: z.coerce
    .number({ message: "Enter a number of seconds." })
    .int("Enter a whole number of seconds.")
    .min(MIN_ROLE_MAX_SESSION_SECONDS, "IAM allows 3600 (1 hour) to 43200 (12 hours).")
    .max(MAX_ROLE_MAX_SESSION_SECONDS, "IAM allows 3600 (1 hour) to 43200 (12 hours)."),
  assumeMethod: z.enum(["assume-role", "assume-role-with-saml"], {
    message: "Choose how the role is assumed.",
  }),
  samlProviderArn: z.string().trim().max(2048),
  externalId: z.string().trim().max(1224, "An ExternalId is at most 1224 characters."),
  requiresBrokerMfa: z.boolean(),
});
/** A role as a form submits it: the choice of method is the string posted, checked by parseRole. */
export type RoleInput = Omit<z.input<typeof roleInputBase>, "assumeMethod"> & {
  assumeMethod: string;
};

/** Neutral stand-ins for invalid role fields while the others are checked (parseAllFields). */
const ROLE_FALLBACKS: z.input<typeof roleInputBase> = {
  name: "placeholder",
  arn: "",
  description: "",
  maxSessionDurationSeconds: 3600,
  assumeMethod: "assume-role",
  samlProviderArn: "",
  externalId: "",
  requiresBrokerMfa: false,
};

export interface RoleValues {
  name: string;
  arn: string;
  description: string;
  maxSessionDurationSeconds: number;
  assumeMethod: "assume-role" | "assume-role-with-saml";
  samlProviderArn: string | null;
  externalId: string | null;
  requiresBrokerMfa: boolean;
}

/** The role ARN a name gets in an account of the broker's partition when none is pasted. */
export function defaultRoleArn(accountId: string, name: string, partition: AwsPartition): string {
  return roleArnFor(partition, accountId, name);
}

/**
 * A broker's credentials work in one partition (docs/AWS.md "Partitions"): a role or SAML provider
 * of another can never be assumed by this portal, so it is refused when it is entered.
 */
function otherPartitionMessage(kind: string, arnPartition: AwsPartition, broker: AwsPartition) {
  return `This ${kind} is in ${PARTITION_FACTS[arnPartition].name}, but this portal's broker works in ${PARTITION_FACTS[broker].name} (AWS_REGION): it could never be assumed from here. Run a Gatehouse of its own for that partition.`;
}

/**
 * Validates a role for the account with this 12-digit id: a pasted ARN must name that account and
 * the same role name; a SAML provider must be in the same account; ExternalId and broker MFA only
 * mean something when the broker assumes the role.
 */
export function parseRole(
  raw: RoleInput,
  accountId: string,
  partition: AwsPartition,
): { ok: true; values: RoleValues } | { ok: false; errors: FieldErrors } {
  const parsed = parseAllFields(roleInputBase, raw, ROLE_FALLBACKS);
  if (!("input" in parsed)) return { ok: false, errors: parsed.errors };
  const { input, invalid } = parsed;
  const errors: FieldErrors = {};
  let arn = defaultRoleArn(accountId, input.name, partition);
  if (input.arn !== "" && !invalid.has("arn")) {
    const match = parseRoleArn(input.arn);
    if (!match) errors.arn = "Not a role ARN: expected arn:aws:iam::<account id>:role/<name>.";
    else if (match.partition !== partition)
      errors.arn = otherPartitionMessage("role", match.partition, partition);
    else if (match.accountId !== accountId)
      errors.arn = `This ARN is in account ${match.accountId}, not in this account (${accountId}).`;
    else if (match.name !== input.name && !invalid.has("name"))
      errors.arn = `This ARN names the role ${match.name}, but the name field says ${input.name}.`;
    else arn = input.arn;
  }
  const isSaml = input.assumeMethod === "assume-role-with-saml";
  let samlProviderArn: string | null = null;
  if (invalid.has("assumeMethod") || invalid.has("samlProviderArn")) {
    // Reported by the field's own check; whether a provider belongs here depends on both.
  } else if (isSaml) {
    const match = parseSamlProviderArn(input.samlProviderArn);
    if (input.samlProviderArn === "")
      errors.samlProviderArn =
        "A role assumed with SAML needs the IAM SAML provider its trust policy names.";
    else if (!match)
      errors.samlProviderArn =
        "Expected arn:aws:iam::<account id>:saml-provider/<name> (letters, digits, . _ -).";
    else if (match.partition !== partition)
      errors.samlProviderArn = otherPartitionMessage("SAML provider", match.partition, partition);
    else if (match.accountId !== accountId)
      errors.samlProviderArn = `The SAML provider must be in this account (${accountId}), not ${match.accountId}.`;
    else samlProviderArn = input.samlProviderArn;
  } else if (input.samlProviderArn !== "") {
    errors.samlProviderArn = "Only roles assumed with SAML use a SAML provider: clear this field.";
  }
  if (input.externalId !== "" && !invalid.has("assumeMethod")) {
    if (isSaml)
      errors.externalId = "AssumeRoleWithSAML takes no ExternalId: clear it, or use the broker.";
    else if (!EXTERNAL_ID.test(input.externalId))
      errors.externalId = "2–1224 characters of letters, digits and + = , . @ : / - _ (no spaces).";
  }
  if (isSaml && input.requiresBrokerMfa)
    errors.requiresBrokerMfa = "Broker MFA applies only to roles the broker assumes.";
  Object.assign(errors, parsed.errors);
  if (Object.keys(errors).length > 0) return { ok: false, errors };
  return {
    ok: true,
    values: {
      name: input.name,
      arn,
      description: input.description,
      maxSessionDurationSeconds: input.maxSessionDurationSeconds,
      assumeMethod: input.assumeMethod,
      samlProviderArn,
      externalId: input.externalId === "" ? null : input.externalId,
      requiresBrokerMfa: input.requiresBrokerMfa,
    },
  };
}

/** The longest elevation an eligible rule may allow: a working day and night, then ask again. */
export const MAX_ELEVATION_SECONDS = 86_400;

export const ruleInputBase = z.object({
  subjectKind: z.enum(["group", "user"], { message: "Choose a group or a user." }),
  groupName: z
    .string()
    .trim()
    .max(256, "Group names are at most 256 characters.")
    .refine(noControlChars, "Use plain text."),
  /** Whose assertion of the group counts: an IdP's issuer, or "" for any IdP's. */
  groupIssuer: z.string().trim().max(2048).default(""),
  userEmail: z.string().trim().max(320, "That is not an email address."),
  maxSessionDurationSeconds: z.coerce
    .number({ message: "Enter a number of seconds." })
    .int("Enter a whole number of seconds.")
    .min(MIN_SESSION_SECONDS, "Sessions last 900 (15 minutes) to 43200 (12 hours) seconds.")
    .max(MAX_SESSION_SECONDS, "Sessions last 900 (15 minutes) to 43200 (12 hours) seconds."),
  allowConsole: z.boolean(),
  allowCli: z.boolean(),
  /** `YYYY-MM-DD HH:MM` or `YYYY-MM-DDTHH:MM` (UTC, as the form says), an ISO 8601 instant, or empty. */
  expiresAt: z.string().trim().max(64),
  requireMfa: z.boolean(),
  sessionPolicy: z.string().max(20_000, "A session policy is at most 2048 characters."),
  description,
  /** "standing" grants while it matches; "eligible" may only be requested (docs/ACCESS-REQUESTS.md). */
  access: z
    .enum(["standing", "eligible"], { message: "Choose standing or by request." })
    .default("standing"),
  /** Eligible rules: approvers, comma- or line-separated: group names, and emails of people. */
  approvers: z.string().trim().max(4000, "At most 4,000 characters of approvers.").default(""),
  approvalsRequired: z.coerce
    .number({ message: "Enter a number of approvals." })
    .int("Enter a whole number of approvals.")
    .min(1, "Between 1 and 5 approvals.")
    .max(5, "Between 1 and 5 approvals.")
    .default(1),
  maxElevationSeconds: z.coerce
    .number({ message: "Enter a number of seconds." })
    .int("Enter a whole number of seconds.")
    .min(
      MIN_SESSION_SECONDS,
      `An elevation lasts ${MIN_SESSION_SECONDS} (15 minutes) to ${MAX_ELEVATION_SECONDS} (24 hours) seconds.`,
    )
    .max(
      MAX_ELEVATION_SECONDS,
      `An elevation lasts ${MIN_SESSION_SECONDS} (15 minutes) to ${MAX_ELEVATION_SECONDS} (24 hours) seconds.`,
    )
    .default(3600),
  requireReason: z.boolean().default(true),
  requireTicket: z.boolean().default(false),
  requireMfaToRequest: z.boolean().default(false),
  requireMfaToApprove: z.boolean().default(false),
  breakGlass: z.boolean().default(false),
  webhookUrl: z.string().trim().max(2048, "A URL is at most 2,048 characters.").default(""),
});
/** A rule as a form submits it: the subject kind is the string posted, checked by parseRule. */
export type RuleInput = Omit<z.input<typeof ruleInputBase>, "subjectKind"> & {
  subjectKind: string;
};

/** Neutral stand-ins for invalid rule fields while the others are checked (parseAllFields). */
const RULE_FALLBACKS: z.input<typeof ruleInputBase> = {
  subjectKind: "group",
  groupName: "placeholder",
  groupIssuer: "",
  userEmail: "",
  maxSessionDurationSeconds: 3600,
  allowConsole: true,
  allowCli: true,
  expiresAt: "",
  requireMfa: false,
  sessionPolicy: "",
  description: "",
  access: "standing",
  approvers: "",
  approvalsRequired: 1,
  maxElevationSeconds: 3600,
  requireReason: true,
  requireTicket: false,
  requireMfaToRequest: false,
  requireMfaToApprove: false,
  breakGlass: false,
  webhookUrl: "",
};

/** An eligible rule's settings, named as the AccessRule columns (docs/ACCESS-REQUESTS.md). */
export interface EligibleSettings {
  approvalsRequired: number;
  maxElevationSeconds: number;
  requireReason: boolean;
  requireTicket: boolean;
  requireMfaToRequest: boolean;
  requireMfaToApprove: boolean;
  breakGlass: boolean;
  webhookUrl: string | null;
}

/** The column defaults: what a standing rule stores, and an eligible rule's starting point. */
export const DEFAULT_ELIGIBLE_SETTINGS: Readonly<EligibleSettings> = {
  approvalsRequired: 1,
  maxElevationSeconds: 3600,
  requireReason: true,
  requireTicket: false,
  requireMfaToRequest: false,
  requireMfaToApprove: false,
  breakGlass: false,
  webhookUrl: null,
};

/** Just the settings of `terms` (what the AccessRule columns hold), without anything else. */
export function eligibleSettingsOf(terms: EligibleSettings): EligibleSettings {
  const keys = Object.keys(DEFAULT_ELIGIBLE_SETTINGS) as Array<keyof EligibleSettings>;
  return Object.fromEntries(keys.map((k) => [k, terms[k]])) as unknown as EligibleSettings;
}

/** An eligible rule's terms (absent for a standing rule). */
export interface EligibleTerms extends EligibleSettings {
  /** Approving groups (from any IdP) and approving people, by email (resolved when saved). */
  approverGroups: string[];
  approverEmails: string[];
}

/** Splits an approvers field: commas or new lines; an entry with "@" is a person's email. */
export function parseApproverList(text: string): { groups: string[]; emails: string[] } {
  const entries = [
    ...new Set(
      text
        .split(/[,\n]/)
        .map((e) => e.trim())
        .filter(Boolean),
    ),
  ];
  return {
    groups: entries.filter((e) => !e.includes("@")),
    emails: entries.filter((e) => e.includes("@")),
  };
}

export interface RuleValues {
  subjectKind: "group" | "user";
  groupName: string | null;
  /** With groupName: only this IdP's assertion of the group counts; null: any IdP's. */
  groupIssuer: string | null;
  userEmail: string | null;
  maxSessionDurationSeconds: number;
  allowConsole: boolean;
  allowCli: boolean;
  expiresAt: Date | null;
  requireMfa: boolean;
  sessionPolicy: string | null;
  description: string;
  /** Null for a standing rule. */
  eligible: EligibleTerms | null;
}

const LOCAL_DATE_TIME = /^(\d{4})-(\d{2})-(\d{2})[T ](\d{2}):(\d{2})(?::(\d{2}))?$/;
const ISO_INSTANT = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d{1,3})?)?(Z|[+-]\d{2}:\d{2})$/;

/** Reads an expiry typed as UTC date and time (or a full ISO instant); null when it is no date. */
export function parseExpiry(text: string): Date | null {
  const local = LOCAL_DATE_TIME.exec(text);
  if (local) {
    const part = (i: number) => Number(local[i] ?? "0");
    const [y, mo, d, h, mi, s] = [part(1), part(2), part(3), part(4), part(5), part(6)];
    const date = new Date(Date.UTC(y, mo - 1, d, h, mi, s));
    // Date.UTC rolls 2026-02-31 over to March: such a date was not a real one.
    const isReal =
      date.getUTCMonth() === mo - 1 && date.getUTCDate() === d && h < 24 && mi < 60 && s < 60;
    return isReal ? date : null;
  }
  if (!ISO_INSTANT.test(text)) return null;
  const date = new Date(text);
  return Number.isNaN(date.getTime()) ? null : date;
}

/** The form's way of showing an instant: `YYYY-MM-DD HH:MM` in UTC, which parseExpiry reads back. */
export function formatExpiryInput(date: Date | null): string {
  return date ? date.toISOString().slice(0, 16).replace("T", " ") : "";
}

/**
 * Validates an access rule. `previousExpiresAt` is the stored expiry when editing: an expiry must
 * lie in the future when it is set or changed, but an unchanged past expiry may stay (the rule
 * then simply shows as expired).
 */
export function parseRule(
  raw: RuleInput,
  opts: { now: Date; previousExpiresAt?: Date | null },
): { ok: true; values: RuleValues } | { ok: false; errors: FieldErrors } {
  const parsed = parseAllFields(ruleInputBase, raw, RULE_FALLBACKS);
  if (!("input" in parsed)) return { ok: false, errors: parsed.errors };
  const { input, invalid } = parsed;
  const errors: FieldErrors = {};
  const subjectKnown = !invalid.has("subjectKind");
  if (subjectKnown && input.subjectKind === "group" && input.groupName === "")
    errors.groupName = "Name the IdP group this rule grants to.";
  if (
    subjectKnown &&
    input.subjectKind === "user" &&
    !invalid.has("userEmail") &&
    !/^[^\s@]+@[^\s@]+$/.test(input.userEmail)
  )
    errors.userEmail = "Enter the email address of a user who has signed in before.";
  if (!input.allowConsole && !input.allowCli)
    errors.outputs = "Allow the console, the CLI, or both: a rule allowing neither grants nothing.";
  let expiresAt: Date | null = null;
  if (input.expiresAt !== "") {
    expiresAt = parseExpiry(input.expiresAt);
    const unchanged =
      expiresAt !== null &&
      opts.previousExpiresAt != null &&
      Math.abs(expiresAt.getTime() - opts.previousExpiresAt.getTime()) < 60_000;
    if (expiresAt === null)
      errors.expiresAt = "Enter a date and time in UTC as YYYY-MM-DD HH:MM, e.g. 2030-01-31 18:00.";
    else if (unchanged) expiresAt = opts.previousExpiresAt ?? expiresAt;
    else if (expiresAt <= opts.now)
      errors.expiresAt = "The expiry must be in the future (times are UTC).";
  }
  let sessionPolicy: string | null = null;
  if (input.sessionPolicy.trim() !== "") {
    const check = validateSessionPolicy(input.sessionPolicy);
    if (check.ok) sessionPolicy = input.sessionPolicy.trim();
    else errors.sessionPolicy = check.message;
  }
  let eligible: EligibleTerms | null = null;
  if (input.access === "eligible") {
    const { groups, emails } = parseApproverList(input.approvers);
    if (groups.length + emails.length === 0)
      errors.approvers = "Name who approves: one or more groups or people's emails.";
    else if (groups.some((g) => g.length > 256 || !noControlChars(g)))
      errors.approvers = "Group names are at most 256 characters of plain text.";
    else if (emails.some((e) => !/^[^\s@]+@[^\s@]+$/.test(e)))
      errors.approvers = "An approver with @ must be an email address.";
    else if (
      input.subjectKind === "user" &&
      groups.length === 0 &&
      emails.length === 1 &&
      emails[0]?.toLowerCase() === input.userEmail.toLowerCase()
    )
      errors.approvers =
        "Nobody approves their own request: name someone other than the requester.";
    let webhookUrl: string | null = null;
    if (input.webhookUrl !== "") {
      try {
        const url = new URL(input.webhookUrl);
        if ((url.protocol !== "https:" && url.protocol !== "http:") || url.username || url.password)
          throw new TypeError("not http(s)");
        webhookUrl = url.toString();
      } catch {
        errors.webhookUrl = "Enter an absolute http(s) URL without credentials, or leave it empty.";
      }
    }
    eligible = {
      approverGroups: groups,
      approverEmails: emails,
      approvalsRequired: input.approvalsRequired,
      maxElevationSeconds: input.maxElevationSeconds,
      requireReason: input.requireReason,
      requireTicket: input.requireTicket,
      requireMfaToRequest: input.requireMfaToRequest,
      requireMfaToApprove: input.requireMfaToApprove,
      breakGlass: input.breakGlass,
      webhookUrl,
    };
  }
  Object.assign(errors, parsed.errors);
  if (Object.keys(errors).length > 0) return { ok: false, errors };
  return {
    ok: true,
    values: {
      eligible,
      subjectKind: input.subjectKind,
      groupName: input.subjectKind === "group" ? input.groupName : null,
      groupIssuer:
        input.subjectKind === "group" && input.groupIssuer !== "" ? input.groupIssuer : null,
      userEmail: input.subjectKind === "user" ? input.userEmail : null,
      maxSessionDurationSeconds: input.maxSessionDurationSeconds,
      allowConsole: input.allowConsole,
      allowCli: input.allowCli,
      expiresAt,
      requireMfa: input.requireMfa,
      sessionPolicy,
      description: input.description,
    },
  };
}

/**
 * How an ExternalId appears in the audit log: a short fingerprint, so a change is visible without
 * copying the value itself around (AWS calls it no secret, but it guards against confused deputies).
 */
export function externalIdFingerprint(externalId: string | null): string | null {
  return externalId === null
    ? null
    : `sha256:${createHash("sha256").update(externalId).digest("hex").slice(0, 12)}`;
}

/** Database ids in URLs and forms are cuids: anything else is not found, never a query. */
export const ID_PATTERN = /^[a-z0-9]{20,32}$/;

export function isId(value: unknown): value is string {
  return typeof value === "string" && ID_PATTERN.test(value);
}

import "server-only";
import { z } from "zod";
import { MAX_SESSION_SECONDS, MIN_SESSION_SECONDS } from "@/lib/aws/partitions";
import { validateSessionPolicy } from "@/lib/aws/session-policy";
import { description, noControlChars, parseAllFields, type FieldErrors } from "./admin-result";
import { parseExpiry } from "./rule-expiry";
import { refusedUrlReason } from "@/lib/net/refused-addresses";

/**
 * The admin editor's input rules for an access rule: whom it grants to, for how long and how, and
 * an eligible rule's terms (approvers and the settings of its requests).
 */

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

/**
 * Each person approves a request once, never their own (docs/ACCESS-REQUESTS.md): a rule needing
 * more approvals than it names people, and no group, could never approve a request.
 */
export function tooFewApprovers(required: number, people: number): string {
  return `${required} approvals are needed, but only ${people} ${people === 1 ? "person" : "people"} besides the requester may approve: no request could ever be approved. Name more approvers or a group, or need fewer approvals.`;
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
    else if (groups.length === 0) {
      const others = new Set(emails.map((e) => e.toLowerCase()));
      if (input.subjectKind === "user") others.delete(input.userEmail.toLowerCase());
      if (others.size < input.approvalsRequired)
        errors.approvalsRequired = tooFewApprovers(input.approvalsRequired, others.size);
    }
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
      const refused = webhookUrl === null ? null : refusedUrlReason(webhookUrl);
      if (refused) {
        webhookUrl = null;
        errors.webhookUrl = `Webhooks are never sent there: ${refused}.`;
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

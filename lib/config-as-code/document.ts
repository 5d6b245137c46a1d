import { z } from "zod";

/**
 * The shape of a configuration file (YAML or JSON): every account, its roles and who may assume
 * them. Only the structure and the types are checked here; what each value may be is decided by
 * the admin editors' own rules (lib/admin/account-input.ts, role-input.ts, rule-input.ts), so a
 * file and a form never disagree.
 * Unknown fields are refused, so a typo ("maxSessionDuration") is named instead of ignored.
 */

const text = z.string({ message: "Expected text." });
const seconds = z.number({ message: "Expected a whole number of seconds." });
const flag = z.boolean({ message: "Expected true or false." });

/** A person named by one of their identities: the IdP's issuer and the subject it asserts. */
export const identityRef = z.strictObject({ idp: text, subject: text });

/**
 * Who approves requests under an eligible rule: a group name (from any IdP) or a person's email,
 * as the admin form takes them; `{ idp, subject }` for a person whose email is not theirs alone,
 * and `{ group, idp }` for a group only as one IdP asserts it (docs/ACCESS-REQUESTS.md "Model").
 */
export const approverEntry = z.union(
  [text, identityRef, z.strictObject({ group: text, idp: text })],
  { message: "Expected a group name, an email, { idp, subject } or { group, idp }." },
);

/** An eligible rule's terms: who approves, and what a request must carry. */
export const requestEntry = z.strictObject({
  approvers: z
    .array(approverEntry, { message: "Expected a list of groups and emails." })
    .optional(),
  approvalsRequired: z.number({ message: "Expected a whole number of approvals." }).optional(),
  maxElevationSeconds: seconds.optional(),
  requireReason: flag.optional(),
  requireTicket: flag.optional(),
  requireMfaToRequest: flag.optional(),
  requireMfaToApprove: flag.optional(),
  breakGlass: flag.optional(),
  webhookUrl: z.union([text, z.null()], { message: "Expected an http(s) URL." }).optional(),
});

export const ruleEntry = z.strictObject({
  group: text.optional(),
  /** With `group`: the group counts only as this IdP (issuer) asserts it. */
  idp: text.optional(),
  /** A person: an email only they have, or `{ idp, subject }` of one of their identities. */
  user: z
    .union([text, identityRef], {
      message: "Expected an email, or { idp: <issuer>, subject: <subject> }.",
    })
    .optional(),
  maxSessionDurationSeconds: seconds.optional(),
  console: flag.optional(),
  cli: flag.optional(),
  /** An ISO 8601 instant, or `YYYY-MM-DD HH:MM` read as UTC. */
  expiresAt: z.union([text, z.null()], { message: "Expected a date and time (UTC)." }).optional(),
  requireMfa: flag.optional(),
  sessionPolicy: z
    .union([text, z.record(z.string(), z.unknown()), z.null()], {
      message: "Expected an IAM policy document (an object) or its JSON text.",
    })
    .optional(),
  description: text.optional(),
  /** Absent or "standing": grants while it matches. "eligible": may only be requested. */
  access: z
    .enum(["standing", "eligible"], { message: 'Expected "standing" or "eligible".' })
    .optional(),
  /** Only with `access: eligible`. */
  request: requestEntry.optional(),
});

export const roleEntry = z.strictObject({
  name: text,
  /** Only when the role has a path or otherwise differs from arn:aws:iam::<id>:role/<name>. */
  arn: text.optional(),
  description: text.optional(),
  maxSessionDurationSeconds: seconds.optional(),
  assumeMethod: text.optional(),
  samlProviderArn: z.union([text, z.null()]).optional(),
  externalId: z.union([text, z.null()]).optional(),
  requiresBrokerMfa: flag.optional(),
  rules: z.array(ruleEntry, { message: "Expected a list of rules." }).optional(),
});

export const accountEntry = z.strictObject({
  id: z.union([text, z.number()], { message: "Expected the 12-digit account id." }),
  name: text,
  alias: text.optional(),
  environment: text,
  description: text.optional(),
  roles: z.array(roleEntry, { message: "Expected a list of roles." }).optional(),
});

/**
 * A file written for a newer format is refused as such: telling its author to write `version: 1`
 * would invite them to relabel it, and fields this version reads differently would be misread.
 */
function versionProblem(input: unknown): string {
  return typeof input === "number" && Number.isInteger(input) && input > 1
    ? `This file is format version ${input}, from a newer Gatehouse: this one reads version 1 only. Export from this portal to get a file it reads.`
    : "This file format is version 1: write `version: 1`.";
}

export const configDocument = z.strictObject(
  {
    version: z.literal(1, { error: (issue) => versionProblem(issue.input) }),
    accounts: z.array(accountEntry, { message: "Expected a list of accounts." }),
  },
  {
    message:
      "A configuration file is a map with `version: 1` and `accounts:`, not a list or a single value. Export the configuration from this page to start from a valid file.",
  },
);

export type ConfigDocument = z.infer<typeof configDocument>;
export type AccountEntry = z.infer<typeof accountEntry>;
export type RoleEntry = z.infer<typeof roleEntry>;
export type RuleEntry = z.infer<typeof ruleEntry>;
export type RequestEntry = z.infer<typeof requestEntry>;
export type ApproverEntry = z.infer<typeof approverEntry>;

/** A path into the document, e.g. ["accounts", 3, "roles", 0, "name"]. */
export type DocPath = ReadonlyArray<string | number>;

/** `accounts[3].roles[0].rules[2].maxSessionDurationSeconds` */
export function formatDocPath(path: DocPath): string {
  let out = "";
  for (const part of path) {
    if (typeof part === "number") out += `[${part}]`;
    else out += out === "" ? part : `.${part}`;
  }
  return out || "(document)";
}

/** One thing wrong with a file: where (path and, when known, line) and what. */
export interface ImportProblem {
  path: string;
  line: number | null;
  message: string;
}

import { z } from "zod";
import { ROLE_ARN_PATTERN } from "@/lib/aws/partitions";
import { type QueryInput, readSingleValuedQuery } from "@/lib/query-params";
import { fieldIssuesOf } from "@/lib/validation-error";
import { decodeCursor, parseFilterDate } from "./audit-filter-values";

/**
 * The audit log's filters as they travel in a URL (shareable, bookmarkable):
 * - `from`, `to`: a UTC date (`2026-11-26`), minute (`2026-11-26T14:05`, what a datetime-local
 *   field sends) or instant (`…:07.123Z`, `…+01:00`); without an offset the time is UTC.
 *   `from` is inclusive, `to` exclusive — except a date-only `to`, which includes that whole day;
 * - `user`: an email (every identity of each person who has an identity with that email, in any
 *   case, so linked identities under other emails are included) or a portal user id (that one);
 * - `account`: a 12-digit AWS account id;
 * - `role`: a role ARN (exact), or a role name — the roles with that name in the portal today (for
 *   a deleted role, use its ARN);
 * - `action` (exact, e.g. `console.issued`) and `outcome` (`success`, `denied`, `error`);
 * - `accessKeyId`, `sessionName`, `sourceIdentity`: what CloudTrail shows of a session (its
 *   `userIdentity.accessKeyId`, the last part of its assumed-role ARN, its `sourceIdentity`), each
 *   exact; an access key id in any letter case, as AWS writes them in capitals only;
 * - `requestId`: the portal's request id a refusal page or error quotes ("Request id: …"), exact;
 * - `accessRequestId`: the events about one access request (its own, and the issuances resting on
 *   it); `cliTokenId`: the events a CLI sign-in's token caused — each exact, read from the
 *   recorded details (record-id-filters.ts);
 * - `before` / `after`: a page cursor (keyset: older / newer than that event); `limit`: 1–200.
 * Empty values mean "no filter", so a submitted form with blank fields is a valid query.
 */
export interface AuditQuery {
  from?: Date;
  to?: Date;
  user?: string;
  account?: string;
  role?: string;
  action?: string;
  outcome?: "success" | "denied" | "error";
  accessKeyId?: string;
  sessionName?: string;
  sourceIdentity?: string;
  requestId?: string;
  accessRequestId?: string;
  cliTokenId?: string;
  cursor?: { direction: "older" | "newer"; createdAt: Date; id: string };
  limit: number;
}

export const AUDIT_OUTCOMES = ["success", "denied", "error"] as const;
export const DEFAULT_PAGE_SIZE = 50;
const MAX_PAGE_SIZE = 200;

const ROLE_NAME_PATTERN = /^[\w+=,.@-]{1,64}$/;
const ID_PATTERN = /^[a-z0-9]{1,40}$/;
/** AWS's RoleSessionName and SourceIdentity: 2–64 characters of [\w+=,.@-]. */
const SESSION_IDENTITY_PATTERN = /^[\w+=,.@-]{2,64}$/;
/** The request ids server.ts stamps (lib/http/request-id.ts), and the sweep's and discovery's. */
const REQUEST_ID_PATTERN = /^[A-Za-z0-9-]{8,64}$/;
/**
 * A record's id as the portal makes them (a cuid, 25 lowercase letters and digits): short
 * fragments are refused, as they would match within other ids rather than name one record.
 */
const RECORD_ID_PATTERN = /^[a-z0-9]{20,40}$/;

const blankToUndefined = (value: unknown) =>
  typeof value === "string" && value.trim() === "" ? undefined : value;

/** An optional text parameter: blank is absent; otherwise `read` returns the value or null (refused). */
function param<T>(max: number, read: (value: string) => T | null, message: string) {
  return z
    .preprocess(
      blankToUndefined,
      z.string().trim().max(max, `must be at most ${max} characters`).optional(),
    )
    .transform((value, ctx): T | undefined => {
      if (value === undefined) return undefined;
      const result = read(value);
      if (result === null) {
        ctx.addIssue({ code: "custom", message });
        return z.NEVER;
      }
      return result;
    });
}

const DATE_MESSAGE =
  "must be a date like 2026-11-26 or 2026-11-26T14:05 (UTC), in the years 0001–9999";
const matching = (pattern: RegExp) => (v: string) => (pattern.test(v) ? v : null);

const filterFields = {
  from: param(40, (v) => parseFilterDate(v), DATE_MESSAGE),
  to: param(40, (v) => parseFilterDate(v, { endOfDay: true }), DATE_MESSAGE),
  user: param(
    320,
    (v) => (v.includes("@") || ID_PATTERN.test(v) ? v : null),
    "must be an email address or a portal user id",
  ),
  account: param(12, matching(/^\d{12}$/), "must be a 12-digit AWS account id"),
  role: param(
    2048,
    (v) => (ROLE_ARN_PATTERN.test(v) || ROLE_NAME_PATTERN.test(v) ? v : null),
    "must be a role ARN (arn:aws:iam::123456789012:role/Name) or a role name",
  ),
  action: param(64, matching(/^[a-z][a-z0-9.-]*$/), "must be an action like console.issued"),
  outcome: param(
    16,
    (v) => AUDIT_OUTCOMES.find((o) => o === v) ?? null,
    "must be success, denied or error",
  ),
  // AWS access key ids: 16–128 word characters (STS API reference, Credentials), stored as AWS
  // writes them, in capitals.
  accessKeyId: param(
    128,
    (v) => (/^[A-Za-z0-9]{16,128}$/.test(v) ? v.toUpperCase() : null),
    "must be an AWS access key id like ASIAIOSFODNN7EXAMPLE",
  ),
  sessionName: param(
    64,
    matching(SESSION_IDENTITY_PATTERN),
    "must be a role session name: 2–64 letters, digits or _+=,.@-",
  ),
  sourceIdentity: param(
    64,
    matching(SESSION_IDENTITY_PATTERN),
    "must be a source identity: 2–64 letters, digits or _+=,.@-",
  ),
  requestId: param(
    64,
    matching(REQUEST_ID_PATTERN),
    "must be a request id as an error shows it: 8–64 letters, digits or -",
  ),
  accessRequestId: param(
    40,
    matching(RECORD_ID_PATTERN),
    "must be an access request id: 20–40 lowercase letters and digits",
  ),
  cliTokenId: param(
    40,
    matching(RECORD_ID_PATTERN),
    "must be a CLI token id: 20–40 lowercase letters and digits",
  ),
};

const limitParam = param(
  4,
  (v) => (/^\d+$/.test(v) && Number(v) >= 1 && Number(v) <= MAX_PAGE_SIZE ? Number(v) : null),
  `must be a whole number from 1 to ${MAX_PAGE_SIZE}`,
);

function refineRange(q: { from?: Date; to?: Date }, ctx: z.RefinementCtx) {
  if (q.from && q.to && q.from >= q.to)
    ctx.addIssue({ code: "custom", path: ["to"], message: "must be after from" });
}

const querySchema = z
  .object({
    ...filterFields,
    before: param(80, decodeCursor, "is not a page cursor from this log"),
    after: param(80, decodeCursor, "is not a page cursor from this log"),
    limit: limitParam,
  })
  .superRefine((q, ctx) => {
    refineRange(q, ctx);
    if (q.before && q.after)
      ctx.addIssue({ code: "custom", path: ["after"], message: "use either before or after" });
  });

export const AUDIT_EXPORT_FORMATS = ["csv", "jsonl"] as const;
export type AuditExportFormat = (typeof AUDIT_EXPORT_FORMATS)[number];

const NO_CURSOR = "an export holds every event the filters match: it takes no page cursor";

/**
 * An export's parameters: the filters and `format` (default csv). Strict, unlike the page (whose
 * links may carry someone's tracking parameters): a misspelt filter would otherwise export the
 * whole log as if it were the filtered one. A page's `limit` is accepted and has no effect.
 */
const exportSchema = z
  .strictObject({
    ...filterFields,
    format: param(
      8,
      (v) => AUDIT_EXPORT_FORMATS.find((f) => f === v) ?? null,
      "must be csv or jsonl",
    ),
    limit: limitParam,
    before: param(80, () => null, NO_CURSOR),
    after: param(80, () => null, NO_CURSOR),
  })
  .superRefine(refineRange);

export type AuditQueryResult =
  { ok: true; query: AuditQuery } | { ok: false; issues: Array<{ path: string; message: string }> };

/**
 * Reads the audit page's URL parameters. A parameter given more than once is an issue naming it,
 * as on every API route (docs/SECURITY.md "Input"); one the page does not read is ignored.
 */
export function parseAuditQuery(params: QueryInput): AuditQueryResult {
  const single = readSingleValuedQuery(params);
  if (!single.ok) return { ok: false, issues: single.issues };
  const parsed = querySchema.safeParse(single.query.toObject());
  if (!parsed.success) {
    return {
      ok: false,
      issues: fieldIssuesOf(parsed.error, "query"),
    };
  }
  const { before, after, ...rest } = parsed.data;
  const query = queryOf(rest);
  if (before) query.cursor = { direction: "older", ...before };
  else if (after) query.cursor = { direction: "newer", ...after };
  return { ok: true, query };
}

function queryOf(rest: Partial<Omit<AuditQuery, "cursor">>): AuditQuery {
  const query: AuditQuery = { limit: rest.limit ?? DEFAULT_PAGE_SIZE };
  if (rest.from) query.from = rest.from;
  if (rest.to) query.to = rest.to;
  if (rest.user) query.user = rest.user;
  if (rest.account) query.account = rest.account;
  if (rest.role) query.role = rest.role;
  if (rest.action) query.action = rest.action;
  if (rest.outcome) query.outcome = rest.outcome;
  if (rest.accessKeyId) query.accessKeyId = rest.accessKeyId;
  if (rest.sessionName) query.sessionName = rest.sessionName;
  if (rest.sourceIdentity) query.sourceIdentity = rest.sourceIdentity;
  if (rest.requestId) query.requestId = rest.requestId;
  if (rest.accessRequestId) query.accessRequestId = rest.accessRequestId;
  if (rest.cliTokenId) query.cliTokenId = rest.cliTokenId;
  return query;
}

export type AuditExportQueryResult =
  | { ok: true; query: AuditQuery; format: AuditExportFormat }
  | { ok: false; issues: Array<{ path: string; message: string }> };

/** Reads an export's URL parameters: any parameter it does not read is an issue naming it. */
export function parseAuditExportQuery(params: QueryInput): AuditExportQueryResult {
  const single = readSingleValuedQuery(params);
  if (!single.ok) return { ok: false, issues: single.issues };
  const parsed = exportSchema.safeParse(single.query.toObject());
  if (!parsed.success) return { ok: false, issues: fieldIssuesOf(parsed.error, "query") };
  const { format, ...rest } = parsed.data;
  return { ok: true, query: queryOf(rest), format: format ?? "csv" };
}

/** The filters given as text, in the order the page shows them. */
export const AUDIT_TEXT_FILTERS = [
  "user",
  "account",
  "role",
  "action",
  "outcome",
  "accessKeyId",
  "sessionName",
  "sourceIdentity",
  "requestId",
  "accessRequestId",
  "cliTokenId",
] as const;

/** The filters of a query as URL parameters (no cursor, no default limit): for links and exports. */
export function filterParams(query: AuditQuery): URLSearchParams {
  const params = new URLSearchParams();
  if (query.from) params.set("from", query.from.toISOString());
  if (query.to) params.set("to", query.to.toISOString());
  for (const key of AUDIT_TEXT_FILTERS) {
    const value = query[key];
    if (value) params.set(key, value);
  }
  if (query.limit !== DEFAULT_PAGE_SIZE) params.set("limit", String(query.limit));
  return params;
}

/** The filters as a plain object for the audit record of an export or a search. */
export function describeFilter(query: AuditQuery): Record<string, string | null> {
  return {
    from: query.from?.toISOString() ?? null,
    to: query.to?.toISOString() ?? null,
    user: query.user ?? null,
    account: query.account ?? null,
    role: query.role ?? null,
    action: query.action ?? null,
    outcome: query.outcome ?? null,
    accessKeyId: query.accessKeyId ?? null,
    sessionName: query.sessionName ?? null,
    sourceIdentity: query.sourceIdentity ?? null,
    requestId: query.requestId ?? null,
    accessRequestId: query.accessRequestId ?? null,
    cliTokenId: query.cliTokenId ?? null,
  };
}

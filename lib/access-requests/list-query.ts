import { z } from "zod";
import { ROLE_ARN_PATTERN } from "@/lib/aws/partitions";
import { recordId } from "@/lib/db/record-id";
import { type QueryInput, readSingleValuedQuery } from "@/lib/query-params";
import { fieldIssuesOf } from "@/lib/validation-error";

/**
 * What the requests page (`/requests`) and `GET /api/access-requests` read from the URL
 * (docs/ACCESS-REQUESTS.md "Paging and filters"):
 * - `queue`, `mine`: a page cursor for the approver's queue and for the person's own requests
 *   (keyset on (createdAt, id), never a page number or an offset);
 * - `requester`: the queue's requests by one person (an email of any of their identities, in any
 *   case); `role`: by a role name (every role of that name) or ARN;
 * - `request`: the request a notification links to (the page only).
 * Blank values mean "not given", so a submitted filter form with empty fields is valid.
 */
export interface ListQuery {
  queue?: PageCursor;
  mine?: PageCursor;
  requester?: string;
  role?: string;
}

/** A position in a list: the row it is next to and which way to read from it. */
export interface PageCursor {
  direction: "next" | "previous";
  createdAt: Date;
  id: string;
}

/** Rows on one page of a list: a busy approver's page stays this long whatever the queue's size. */
export const REQUEST_PAGE_SIZE = 25;

const EARLIEST = new Date("0001-01-01T00:00:00.000Z").getTime();
const LATEST = new Date("9999-12-31T23:59:59.999Z").getTime();
const ROLE_NAME = /^[\w+=,.@-]{1,64}$/;

/** A cursor is opaque to the user; here it names a direction, a time and a row id. */
export function encodeCursor(
  direction: PageCursor["direction"],
  row: { createdAt: Date; id: string },
): string {
  const text = `${direction === "next" ? "n" : "p"}.${row.createdAt.getTime()}.${row.id}`;
  return Buffer.from(text, "utf8").toString("base64url");
}

function decodeCursor(value: string): PageCursor | null {
  if (!/^[A-Za-z0-9_-]{1,80}$/.test(value)) return null;
  const text = Buffer.from(value, "base64url").toString("utf8");
  const m = /^([np])\.(\d{1,15})\.([a-z0-9]{20,32})$/.exec(text);
  if (!m) return null;
  const time = Number(m[2]);
  if (time < EARLIEST || time > LATEST) return null;
  return { direction: m[1] === "n" ? "next" : "previous", createdAt: new Date(time), id: m[3]! };
}

const optionalText = (max: number) =>
  z.preprocess(
    (v) => (typeof v === "string" && v.trim() === "" ? undefined : v),
    z.string().trim().max(max, `must be at most ${max} characters`).optional(),
  );

/** A keyset cursor parameter (blank is none), as every access-request list reads it. */
export const pageCursorParam = optionalText(80).transform((v, ctx): PageCursor | undefined => {
  if (v === undefined) return undefined;
  const parsed = decodeCursor(v);
  if (!parsed) ctx.addIssue({ code: "custom", message: "is not a page cursor of this list" });
  return parsed ?? z.NEVER;
});

const listQuerySchema = z.strictObject({
  queue: pageCursorParam,
  mine: pageCursorParam,
  requester: optionalText(320).refine((v) => v === undefined || v.includes("@"), {
    message: "must be an email address",
  }),
  role: optionalText(2048).refine(
    (v) => v === undefined || ROLE_ARN_PATTERN.test(v) || ROLE_NAME.test(v),
    { message: "must be a role name or a role ARN (arn:aws:iam::123456789012:role/Name)" },
  ),
  request: z.preprocess((v) => (v === "" ? undefined : v), recordId.optional()),
});

export type ListQueryResult =
  | { ok: true; query: ListQuery; linked: string | null }
  | { ok: false; issues: Array<{ path: string; message: string }> };

/**
 * Reads the lists' query. A parameter given twice, an unknown one, or a cursor that is not one of
 * ours is an issue naming it: the API answers 400 and the page says so above its lists. The page
 * passes `ignoreUnknown`: a link pasted from chat or mail may carry tracking parameters
 * (`utm_source`) that are no mistake of the person's.
 */
export function parseListQuery(
  params: QueryInput,
  opts: { ignoreUnknown?: boolean } = {},
): ListQueryResult {
  const single = readSingleValuedQuery(opts.ignoreUnknown ? onlyKnown(params) : params);
  if (!single.ok) return { ok: false, issues: single.issues };
  const parsed = listQuerySchema.safeParse(single.query.toObject());
  if (!parsed.success) return { ok: false, issues: fieldIssuesOf(parsed.error, "query") };
  const { request, ...rest } = parsed.data;
  const query: ListQuery = {};
  if (rest.queue) query.queue = rest.queue;
  if (rest.mine) query.mine = rest.mine;
  if (rest.requester) query.requester = rest.requester;
  if (rest.role) query.role = rest.role;
  return { ok: true, query, linked: request ?? null };
}

function onlyKnown(params: QueryInput): QueryInput {
  const known = new Set(Object.keys(listQuerySchema.shape));
  if (params instanceof URLSearchParams)
    return new URLSearchParams([...params].filter(([key]) => known.has(key)));
  return Object.fromEntries(Object.entries(params).filter(([key]) => known.has(key)));
}

/** The queue's filters as URL parameters (for the pager's links, which keep them). */
export function filterParams(query: ListQuery): URLSearchParams {
  const params = new URLSearchParams();
  if (query.requester) params.set("requester", query.requester);
  if (query.role) params.set("role", query.role);
  return params;
}

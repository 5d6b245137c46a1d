import "server-only";
import { principalOf } from "@/lib/access/find-grants";
import { recordId } from "@/lib/db/record-id";
import { mayDecide } from "./approvers";
import type { RequestContext } from "./context";
import { undecidableReason } from "./decide";
import type { RequestLists } from "./list-requests";
import { approversAsRecorded } from "./recorded-approvers";
import { requestInclude } from "./request-view";

/**
 * The request a notification links to (`/requests?request=<id>`, README "Access requests"), or
 * null when the link names none or something that is no record id.
 */
export function linkedRequestId(raw: string | string[] | undefined): string | null {
  const parsed = recordId.safeParse(raw);
  return parsed.success ? parsed.data : null;
}

/**
 * What the page says about the request a link named, when it is not among those waiting for this
 * person's decision (those are shown first, marked): where it stands — decided, by whom, cancelled,
 * expired — to whoever may decide it, and to anyone else only that it is not theirs to decide, so
 * the link can't be used to probe requests.
 */
export async function linkedRequestNote(
  ctx: Pick<RequestContext, "db" | "user" | "now">,
  id: string,
  lists: Pick<RequestLists, "toDecide">,
): Promise<string | null> {
  if (lists.toDecide.some((r) => r.id === id)) return null;
  const notYours = "This request is not waiting for your decision.";
  const row = await ctx.db.accessRequest.findUnique({ where: { id }, include: requestInclude });
  if (!row) return notYours;
  const principal = principalOf(ctx.user);
  // Whichever page of My requests it is on.
  if (row.personId === principal.personId) return "This is your own request: see My requests.";
  const decided = row.decisions.find((d) => d.personId === principal.personId);
  const approvers = await approversAsRecorded(ctx.db, row);
  if (!decided && !mayDecide(approvers, principal, row.personId)) return notYours;
  const reason = undecidableReason(row, ctx.now);
  if (reason) return reason;
  if (!row.rule || row.rule.kind !== "eligible")
    return "The rule this request was made under no longer exists: nobody can decide it.";
  if (decided) return "You already approved this request; it waits for more approvals.";
  return notYours;
}

import "server-only";
import { recordedDetailsMentioning } from "@/lib/audit/recorded-details";
import type { Db } from "@/lib/db/client";
import { parseApprovers, type Approver } from "./approvers";
import { approversOf, ruleRemoved, type RequestRow } from "./request-view";

/**
 * Who may decide a request, for telling them why they can't: the rule's approvers while it is
 * eligible; once it was deleted or made standing, the approvers recorded when the request was filed
 * (its `access-request.requested` audit event) — so they learn the rule is gone, while anyone else
 * still finds no such request (docs/ACCESS-REQUESTS.md invariant 3). A request filed before the
 * approvers were recorded names none.
 */
export async function approversAsRecorded(
  db: Pick<Db, "auditEvent">,
  r: Pick<RequestRow, "id" | "rule">,
): Promise<Approver[]> {
  if (!ruleRemoved(r)) return approversOf(r);
  const recorded = await recordedDetailsMentioning(db, "access-request.requested", r.id, {
    take: 5,
  });
  for (const details of recorded) {
    if (details.request === r.id && typeof details.approvers === "string")
      return parseApprovers(details.approvers);
  }
  return [];
}

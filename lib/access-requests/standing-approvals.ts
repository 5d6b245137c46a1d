import "server-only";
import type { Db } from "@/lib/db/client";
import { parseGroupsJson } from "@/lib/users/upsert-signed-in-user";
import { mayDecide } from "./approvers";
import { approversOf, type RequestRow } from "./request-view";

/** An approving identity as it stands now: its person, its IdP and its groups at last sign-in. */
export interface DeciderNow {
  personId: string;
  issuer: string;
  groups: string[];
}

/** The identities behind the approvals of these requests, as they stand now, by user id. */
export async function decidersNow(
  db: Pick<Db, "user">,
  requests: ReadonlyArray<Pick<RequestRow, "decisions">>,
): Promise<Map<string, DeciderNow>> {
  const ids = [
    ...new Set(
      requests
        .flatMap((r) => r.decisions.filter((d) => d.decision === "approve"))
        .map((d) => d.userId),
    ),
  ];
  if (ids.length === 0) return new Map();
  const users = await db.user.findMany({
    where: { id: { in: ids } },
    select: { id: true, personId: true, issuer: true, groupsJson: true },
  });
  return new Map(
    users.map((u) => [
      u.id,
      { personId: u.personId, issuer: u.issuer, groups: parseGroupsJson(u.groupsJson) },
    ]),
  );
}

/**
 * How many people's approvals of a request still count, `except` one person (the one deciding
 * now): each approver must still be one the rule names, judged as their identity stands now (the
 * rule's current approvers, their groups as of their last sign-in, their person). An approver the
 * rule no longer names, who left the approving group, or whose identity was since linked to the
 * requester no longer brings the request closer to approval; two identities since linked into one
 * person count once (docs/ACCESS-REQUESTS.md invariant 3).
 */
export function standingApprovals(
  r: Pick<RequestRow, "decisions" | "rule" | "personId">,
  deciders: ReadonlyMap<string, DeciderNow>,
  except: string | null = null,
): number {
  const approvers = approversOf(r);
  const people = new Set<string>();
  for (const d of r.decisions) {
    const decider = d.decision === "approve" ? deciders.get(d.userId) : undefined;
    if (decider && decider.personId !== except && mayDecide(approvers, decider, r.personId))
      people.add(decider.personId);
  }
  return people.size;
}

import "server-only";
import type { Db } from "@/lib/db/client";
import { parseApprovers, type Approver } from "@/lib/access-requests/approvers";
import { closeRequestsAsAdmin, type AdminClose } from "@/lib/access-requests/close-for-admin";
import { requestInclude } from "@/lib/access-requests/request-view";
import { decidersNow } from "@/lib/access-requests/standing-approvals";

type Tx = Parameters<Parameters<Db["$transaction"]>[0]>[0];

/** What moved from a removed person to the person their last identity joined. */
export interface MergedCounts {
  movedRules: number;
  movedFavorites: number;
  movedRequests: number;
  /** Eligible rules that named the removed person as an approver and now name the survivor. */
  movedApproverRules: number;
}

/**
 * Moves everything a person owns to another before the caller removes them (docs/SECURITY.md
 * "People"): their rules, access requests, favorites (a role both starred stays once), and their
 * place among the approvers of eligible rules — an approver entry naming a removed person would
 * match nobody, so the approvals this human may give would silently end. Runs inside the caller's
 * transaction.
 */
export async function moveEverythingOfPerson(
  tx: Tx,
  from: string,
  to: string,
): Promise<MergedCounts> {
  const { count: movedRules } = await tx.accessRule.updateMany({
    where: { personId: from },
    data: { personId: to },
  });
  // Their access requests too: removing the person would take them along — a pending request
  // gone from its approvers' queue unrecorded, the history approvers read gone — and as the
  // person's own they stay undecidable by any of its identities (docs/ACCESS-REQUESTS.md).
  const { count: movedRequests } = await tx.accessRequest.updateMany({
    where: { personId: from },
    data: { personId: to, version: { increment: 1 } },
  });
  const favorites = await tx.favoriteRole.findMany({
    where: { personId: from },
    select: { roleId: true },
  });
  const already = await tx.favoriteRole.findMany({
    where: { personId: to, roleId: { in: favorites.map((f) => f.roleId) } },
    select: { roleId: true },
  });
  const kept = new Set(already.map((f) => f.roleId));
  const toMove = favorites.filter((f) => !kept.has(f.roleId)).map((f) => f.roleId);
  const { count: movedFavorites } = await tx.favoriteRole.updateMany({
    where: { personId: from, roleId: { in: toMove } },
    data: { personId: to },
  });
  const movedApproverRules = await moveApproverEntries(tx, from, to);
  return { movedRules, movedRequests, movedFavorites, movedApproverRules };
}

/**
 * Rewrites approver entries naming `from` to name `to` (once, if `to` was named already). The
 * rule's version goes up, so an admin editing it from a form read before gets a conflict rather
 * than writing the removed person back.
 */
async function moveApproverEntries(tx: Tx, from: string, to: string): Promise<number> {
  // Person ids are cuids: no LIKE wildcard can occur in them.
  const rules = await tx.accessRule.findMany({
    where: { approversJson: { contains: `"${from}"` } },
    select: { id: true, approversJson: true },
  });
  let moved = 0;
  for (const rule of rules) {
    const approvers = parseApprovers(rule.approversJson);
    if (!approvers.some((a) => "personId" in a && a.personId === from)) continue;
    const rewritten: Approver[] = [];
    for (const a of approvers) {
      const entry = "personId" in a && a.personId === from ? { ...a, personId: to } : a;
      const twice =
        "personId" in entry &&
        rewritten.some((r) => "personId" in r && r.personId === entry.personId);
      if (!twice) rewritten.push(entry);
    }
    await tx.accessRule.update({
      where: { id: rule.id },
      data: { approversJson: JSON.stringify(rewritten), version: { increment: 1 } },
    });
    moved += 1;
  }
  return moved;
}

/** The elevations a link ended because its approvals no longer carry them. */
export interface ElevationsEndedByLink {
  /** The person's own, approved by an identity now theirs. */
  selfApprovedElevationsEnded: number;
  /** Anyone else's, approved by two identities now both this person's. */
  approvedTwiceByOnePersonEnded: number;
}

/**
 * Ends the approved elevations (running or starting later) that a link leaves short of approvals:
 * once an admin links identities into `personId`, an approval by one of them may be a
 * self-approval after the fact (the approver's identity now belongs to the requester, or the
 * requester's to the approver's person), and two approvals of someone else's request by identities
 * now both this person's are one person's — the same human met a two-person rule alone. A request
 * whose approvals by distinct other people fall short of its rule's number is revoked, with its
 * events, in the caller's transaction; a pending one needs nothing, as its approvals already count
 * by person as it stands (docs/ACCESS-REQUESTS.md invariant 3).
 */
export async function endElevationsShortOfApprovals(
  tx: Tx,
  personId: string,
  close: Omit<AdminClose, "comment">,
): Promise<ElevationsEndedByLink> {
  const own = new Set(
    (await tx.user.findMany({ where: { personId }, select: { id: true } })).map((u) => u.id),
  );
  const requests = await tx.accessRequest.findMany({
    where: {
      state: "approved",
      endsAt: { gt: close.now },
      decisions: { some: { decision: "approve", userId: { in: [...own] } } },
    },
    include: requestInclude,
    orderBy: { id: "asc" },
  });
  if (requests.length === 0)
    return { selfApprovedElevationsEnded: 0, approvedTwiceByOnePersonEnded: 0 };
  const deciders = await decidersNow(tx, requests);
  const approvals = (r: (typeof requests)[number]) =>
    r.decisions.filter((d) => d.decision === "approve");
  const short = requests.filter((r) => {
    const others = new Set(
      approvals(r)
        .map((d) => deciders.get(d.userId)?.personId ?? d.personId)
        .filter((p) => p !== r.personId),
    );
    return others.size < Math.max(1, r.rule?.approvalsRequired ?? 1);
  });
  const selfApproved = short.filter((r) => r.personId === personId);
  const approvedTwice = short.filter(
    (r) => r.personId !== personId && approvals(r).filter((d) => own.has(d.userId)).length >= 2,
  );
  const [self, twice] = [
    await closeRequestsAsAdmin(
      tx,
      selfApproved.map((r) => r.id),
      {
        ...close,
        comment:
          "Ended: an approver's identity was linked to the requester, so it approved itself.",
      },
    ),
    await closeRequestsAsAdmin(
      tx,
      approvedTwice.map((r) => r.id),
      {
        ...close,
        comment:
          "Ended: two of its approvers' identities were linked into one person, so one person's approvals counted twice.",
      },
    ),
  ];
  return {
    selfApprovedElevationsEnded: self.elevationsEnded,
    approvedTwiceByOnePersonEnded: twice.elevationsEnded,
  };
}

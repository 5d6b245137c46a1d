import type { Principal } from "@/lib/access/resolve-grants";

/**
 * Who may approve requests under an eligible rule: members of a group (from any IdP, or only as
 * one IdP asserts it) and named people. Stored as JSON on the rule (AccessRule.approversJson).
 */
export type Approver =
  { group: string; issuer: string | null } | { personId: string; email: string | null };

/** The stored list, read defensively: an entry of an unknown shape approves nothing. */
export function parseApprovers(json: string): Approver[] {
  let raw: unknown;
  try {
    raw = JSON.parse(json);
  } catch {
    return [];
  }
  if (!Array.isArray(raw)) return [];
  const approvers: Approver[] = [];
  for (const entry of raw as unknown[]) {
    if (typeof entry !== "object" || entry === null) continue;
    const e = entry as Record<string, unknown>;
    if (typeof e.group === "string" && e.group !== "")
      approvers.push({ group: e.group, issuer: typeof e.issuer === "string" ? e.issuer : null });
    else if (typeof e.personId === "string" && e.personId !== "")
      approvers.push({ personId: e.personId, email: typeof e.email === "string" ? e.email : null });
  }
  return approvers;
}

/**
 * Whether `principal` may decide a request from `requesterPersonId` under these approvers. Never
 * the requester: a person is one person across every identity linked to them, and being in an
 * approving group does not let anyone approve their own request — admins included.
 */
export function mayDecide(
  approvers: readonly Approver[],
  principal: Pick<Principal, "personId" | "groups" | "issuer">,
  requesterPersonId: string,
): boolean {
  if (principal.personId === requesterPersonId) return false;
  return approvers.some((a) =>
    "group" in a
      ? principal.groups.includes(a.group) && (a.issuer === null || a.issuer === principal.issuer)
      : a.personId === principal.personId,
  );
}

/** How the approvers read in a sentence: "the platform-leads group or alice@example.com". */
export function describeApprovers(approvers: readonly Approver[]): string {
  if (approvers.length === 0) return "nobody (the rule names no approvers)";
  const parts = approvers.map((a) =>
    "group" in a ? `the ${a.group} group` : (a.email ?? "a named person"),
  );
  if (parts.length === 1) return parts[0] ?? "";
  return `${parts.slice(0, -1).join(", ")} or ${parts.at(-1) ?? ""}`;
}

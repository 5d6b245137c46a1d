import "server-only";
import { recordedDetailsMentioning } from "@/lib/audit/recorded-details";
import type { Db } from "@/lib/db/client";
import { recordId } from "@/lib/db/record-id";

/** What the "revoked" notice on Admin → People shows, as the revocation's audit event recorded it. */
export interface RevocationNotice {
  who: string;
  sourceIdentities: string[];
  /** Sessions AWS recorded without a SourceIdentity, by session name (lib/people/revoke-person.ts). */
  sessionNames: string[];
  revokedAt: Date;
  sessions: number;
  tokens: number;
  elevations: number;
  requests: number;
}

/**
 * The revocation a redirect's `person` and `at` name, read back from its `admin.person.revoked`
 * audit event; null when there is none. The counts, and the identities the deny policy names, are
 * the ones revoked then — never numbers from the address, which anyone can write into a link, nor
 * identities linked to the person since.
 */
export async function revocationNoticeOf(
  db: Pick<Db, "auditEvent" | "user">,
  params: { person?: unknown; at?: unknown },
): Promise<RevocationNotice | null> {
  const person = recordId.safeParse(params.person);
  const at = typeof params.at === "string" ? new Date(params.at) : null;
  if (!person.success || !at || Number.isNaN(at.getTime())) return null;
  const events = await recordedDetailsMentioning(db, "admin.person.revoked", person.data, {
    take: 20,
    newestFirst: true,
  });
  for (const d of events) {
    if (d.person !== person.data || d.revokedAt !== at.toISOString()) continue;
    const recorded =
      nonEmpty(recordedList(d.sourceIdentities)) ??
      (typeof d.identityIds === "string" && d.identityIds !== "" ? d.identityIds.split(",") : null);
    // Events written before the identities were recorded: the person's identities now.
    const sourceIdentities =
      recorded ??
      (
        await db.user.findMany({
          where: { personId: person.data },
          select: { id: true },
          orderBy: { id: "asc" },
        })
      ).map((u) => u.id);
    return {
      who: typeof d.identities === "string" && d.identities !== "" ? d.identities : "this person",
      sourceIdentities,
      sessionNames: recordedList(d.sessionNames) ?? [],
      revokedAt: at,
      sessions: typeof d.portalSessions === "number" ? d.portalSessions : 0,
      tokens: typeof d.cliTokens === "number" ? d.cliTokens : 0,
      elevations: typeof d.elevationsEnded === "number" ? d.elevationsEnded : 0,
      requests: typeof d.requestsCancelled === "number" ? d.requestsCancelled : 0,
    };
  }
  return null;
}

/** A JSON list of strings a revocation event recorded (`sourceIdentities`, `sessionNames`). */
function recordedList(value: unknown): string[] | null {
  if (typeof value !== "string") return null;
  try {
    const list: unknown = JSON.parse(value);
    return Array.isArray(list) && list.every((v) => typeof v === "string") ? list : null;
  } catch {
    return null;
  }
}

function nonEmpty(list: string[] | null): string[] | null {
  return list && list.length > 0 ? list : null;
}

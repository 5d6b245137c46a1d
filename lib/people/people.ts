import "server-only";
import { writeAuditEvent, type AuditActor } from "@/lib/audit/write-audit-event";
import type { Db } from "@/lib/db/client";
import { serializableTransaction } from "@/lib/db/serializable-transaction";
import { bind, boundSql } from "@/lib/db/bound-sql";
import { identityMatches } from "./identity-match";
import { PEOPLE_PAGE_SIZE } from "./page-size";
import type { RequestMeta } from "@/lib/request-meta";
import type { NotifySettings } from "@/lib/access-requests/events";
import {
  endElevationsShortOfApprovals,
  moveEverythingOfPerson,
  type MergedCounts,
} from "./merge-person";

/**
 * People and their identities (docs/SECURITY.md "People"): a person is one or more identities —
 * one subject at one IdP each — that an admin linked (or that the link-by-email policy joined).
 * Rules naming a user, favorites and recents belong to the person.
 */

/** The ids of every identity of a person (audit rows name the identity that acted). */
export async function identityIdsOf(db: Pick<Db, "user">, personId: string): Promise<string[]> {
  const rows = await db.user.findMany({ where: { personId }, select: { id: true } });
  return rows.map((r) => r.id);
}

export interface IdentityView {
  id: string;
  issuer: string;
  subject: string;
  email: string | null;
  displayName: string | null;
  linkedBy: string | null;
  /** When this identity first signed in (it joined the portal then). */
  createdAt: Date;
  lastLoginAt: Date | null;
}

export interface PersonView {
  id: string;
  identities: IdentityView[];
  /** Rules naming this person (any state), and starred roles. */
  ruleCount: number;
  favoriteCount: number;
}

const identitySelect = {
  id: true,
  personId: true,
  issuer: true,
  subject: true,
  email: true,
  displayName: true,
  linkedBy: true,
  createdAt: true,
  lastLoginAt: true,
} as const;

/**
 * People with an identity whose email or name contains `query` in any case, or whose subject is
 * `query` (all people when it is empty), most recently signed-in first, each with all of their
 * identities; `page` (from 1) of PEOPLE_PAGE_SIZE.
 */
export async function searchPeople(
  db: Pick<Db, "$queryRaw" | "person">,
  query: string,
  page = 1,
): Promise<{ people: PersonView[]; more: boolean }> {
  const q = query.trim().slice(0, 200);
  const offset = (Math.max(1, Math.min(Math.trunc(page) || 1, 100_000)) - 1) * PEOPLE_PAGE_SIZE;
  const matching = await db.$queryRaw<Array<{ personId: string }>>(
    ...boundSql([
      'SELECT "personId" FROM "User"',
      ...(q ? [" WHERE ", ...identityMatches(q)] : []),
      ' GROUP BY "personId" ORDER BY max("lastLoginAt") DESC NULLS LAST, "personId" ASC LIMIT ',
      bind(PEOPLE_PAGE_SIZE + 1),
      " OFFSET ",
      bind(offset),
    ]),
  );
  const more = matching.length > PEOPLE_PAGE_SIZE;
  const pageIds = matching.slice(0, PEOPLE_PAGE_SIZE).map((m) => m.personId);
  const people = await db.person.findMany({
    where: { id: { in: pageIds } },
    select: {
      id: true,
      identities: { select: identitySelect, orderBy: [{ createdAt: "asc" }, { id: "asc" }] },
      _count: { select: { accessRules: true, favorites: true } },
    },
  });
  const byId = new Map(people.map((p) => [p.id, p]));
  return {
    more,
    people: pageIds.flatMap((id) => {
      const p = byId.get(id);
      if (!p) return [];
      return [
        {
          id: p.id,
          identities: p.identities,
          ruleCount: p._count.accessRules,
          favoriteCount: p._count.favorites,
        },
      ];
    }),
  };
}

export type PeopleChangeResult =
  { ok: true; message: string } | { ok: false; reason: "not_found" | "invalid"; message: string };

const describeIdentity = (i: { issuer: string; subject: string; email: string | null }) => ({
  issuer: i.issuer,
  subject: i.subject,
  email: i.email,
});

/**
 * Links an identity to a person: from now on it signs in as them (their user rules, favorites and
 * recents). When the identity was the last of its former person, that person's rules, favorites
 * and access requests move along and the empty person is removed, so nothing granted is lost. One
 * serializable transaction with its audit event.
 */
export async function linkIdentityToPerson(
  db: Db,
  args: {
    personId: string;
    identityId: string;
    actor: AuditActor;
    meta: RequestMeta;
    now: Date;
    notify: NotifySettings;
  },
): Promise<PeopleChangeResult> {
  return serializableTransaction(db, async (tx) => {
    const [person, identity] = await Promise.all([
      tx.person.findUnique({ where: { id: args.personId }, select: { id: true } }),
      tx.user.findUnique({ where: { id: args.identityId }, select: identitySelect }),
    ]);
    if (!person || !identity)
      return {
        ok: false,
        reason: "not_found",
        message: "That person or identity no longer exists. Search again.",
      } as const;
    if (identity.personId === person.id)
      return {
        ok: false,
        reason: "invalid",
        message: "This identity already belongs to this person.",
      } as const;
    const from = identity.personId;
    await tx.user.update({
      where: { id: identity.id },
      data: { personId: person.id, linkedBy: "admin" },
    });
    const remaining = await tx.user.count({ where: { personId: from } });
    let moved: MergedCounts = {
      movedRules: 0,
      movedFavorites: 0,
      movedRequests: 0,
      movedApproverRules: 0,
    };
    if (remaining === 0) {
      moved = await moveEverythingOfPerson(tx, from, person.id);
      await tx.person.delete({ where: { id: from } }); // its leftover duplicate stars go with it
    }
    const ended = await endElevationsShortOfApprovals(tx, person.id, args);
    await writeAuditEvent(tx, {
      action: "admin.person.linked",
      outcome: "success",
      actor: args.actor,
      meta: args.meta,
      details: {
        identity: describeIdentity(identity),
        person: person.id,
        previousPerson: from,
        previousPersonRemoved: remaining === 0,
        ...moved,
        ...ended,
      },
    });
    return {
      ok: true,
      message: `Linked ${identity.email ?? identity.subject}${remaining === 0 && moved.movedRules + moved.movedFavorites > 0 ? ` (its ${moved.movedRules} rule(s) and ${moved.movedFavorites} favorite(s) moved along)` : ""}.`,
    } as const;
  });
}

/**
 * Unlinks an identity from its person: it becomes a person of its own, with no user rules or
 * favorites (those stay with the person it leaves). A person's only identity can't be unlinked.
 */
export async function unlinkIdentity(
  db: Db,
  args: { identityId: string; actor: AuditActor; meta: RequestMeta },
): Promise<PeopleChangeResult> {
  return serializableTransaction(db, async (tx) => {
    const identity = await tx.user.findUnique({
      where: { id: args.identityId },
      select: identitySelect,
    });
    if (!identity)
      return {
        ok: false,
        reason: "not_found",
        message: "That identity no longer exists. Search again.",
      } as const;
    const siblings = await tx.user.count({ where: { personId: identity.personId } });
    if (siblings < 2)
      return {
        ok: false,
        reason: "invalid",
        message: "This is the person's only identity: there is nothing to unlink it from.",
      } as const;
    const person = await tx.person.create({ data: {}, select: { id: true } });
    await tx.user.update({
      where: { id: identity.id },
      data: { personId: person.id, linkedBy: null },
    });
    await writeAuditEvent(tx, {
      action: "admin.person.unlinked",
      outcome: "success",
      actor: args.actor,
      meta: args.meta,
      details: {
        identity: describeIdentity(identity),
        previousPerson: identity.personId,
        person: person.id,
      },
    });
    return {
      ok: true,
      message: `Unlinked ${identity.email ?? identity.subject}: it is now a person of its own.`,
    } as const;
  });
}

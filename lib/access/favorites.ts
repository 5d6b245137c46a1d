import "server-only";
import type { Db } from "@/lib/db/client";
import { isUniqueViolation } from "@/lib/db/errors";
import { AppError } from "@/lib/errors";
import { recordId } from "@/lib/db/record-id";
import { findGrantForRole } from "./find-grants";
import type { Principal } from "./resolve-grants";

/** A role the user may not (or no longer) use looks exactly like one that doesn't exist. */
function notFound(): AppError {
  return new AppError("not_found", "No such role, or you have no access to it.");
}

/**
 * The ids of the roles the person starred, from whichever identity (possibly including roles they
 * lost access to since).
 */
export async function findFavoriteRoleIds(db: Db, personId: string): Promise<Set<string>> {
  const rows = await db.favoriteRole.findMany({ where: { personId }, select: { roleId: true } });
  return new Set(rows.map((r) => r.roleId));
}

/**
 * Stars a role for the user. Idempotent: starring twice (even concurrently) leaves one row.
 * @throws AppError("not_found") when the user has no current grant for the role.
 */
export async function addFavoriteRole(
  db: Db,
  principal: Principal,
  roleId: string,
  now: Date,
): Promise<void> {
  if (!recordId.safeParse(roleId).success) throw notFound();
  const grant = await findGrantForRole(db, principal, roleId, now);
  if (!grant) throw notFound();
  try {
    // A plain insert, not an upsert: Prisma runs an upsert with nothing to update as read, then
    // update, which fails (P2025) when an unstar deletes the row in between.
    await db.favoriteRole.create({ data: { personId: principal.personId, roleId } });
  } catch (error) {
    // Already starred (another tab, or a double click): that is what we wanted.
    if (!isUniqueViolation(error)) throw error;
  }
}

/**
 * Unstars a role. Idempotent. The user may always remove their own star (even for a role they lost
 * access to); a role they neither can use nor starred is not found, so ids can't be probed.
 * @throws AppError("not_found") when there is neither a grant nor a star.
 */
export async function removeFavoriteRole(
  db: Db,
  principal: Principal,
  roleId: string,
  now: Date,
): Promise<void> {
  if (!recordId.safeParse(roleId).success) throw notFound();
  const { count } = await db.favoriteRole.deleteMany({
    where: { personId: principal.personId, roleId },
  });
  if (count > 0) return;
  const grant = await findGrantForRole(db, principal, roleId, now);
  if (!grant) throw notFound();
}

import { currentTime } from "@/lib/clock";
import { NextResponse } from "next/server";
import { addFavoriteRole, removeFavoriteRole } from "@/lib/access/favorites";
import { getDb } from "@/lib/db/client";
import { principalOf } from "@/lib/access/find-grants";
import { NO_STORE, withSession } from "@/lib/http/api-handler";
import { otherMethods } from "@/lib/http/fallback-handlers";
import { z } from "zod";

/**
 * Any text is accepted here: a malformed id is answered like an unknown role (404), so favorites
 * give away nothing about which ids exist.
 */
const favoriteParams = z.object({ roleId: z.string() });

/** PUT: star a role the user can use (idempotent). 404 for any other role, with no hint why. */
export const PUT = withSession(favoriteParams, async ({ user, params }) => {
  await addFavoriteRole(getDb(), principalOf(user), params.roleId, currentTime());
  return NextResponse.json({ roleId: params.roleId, isFavorite: true }, { headers: NO_STORE });
});

/** DELETE: unstar a role (idempotent). */
export const DELETE = withSession(favoriteParams, async ({ user, params }) => {
  await removeFavoriteRole(getDb(), principalOf(user), params.roleId, currentTime());
  return NextResponse.json({ roleId: params.roleId, isFavorite: false }, { headers: NO_STORE });
});

export const { GET, POST, PATCH, OPTIONS } = otherMethods({ PUT, DELETE });

import { NextResponse } from "next/server";
import { revokeAllOwnCliTokens } from "@/lib/cli-auth/revoke-all-cli-tokens";
import { currentTime } from "@/lib/clock";
import { getDb } from "@/lib/db/client";
import { NO_STORE, withSession } from "@/lib/http/api-handler";
import { otherMethods } from "@/lib/http/fallback-handlers";
import { noParams } from "@/lib/http/schemas";
import { identityIdsOf } from "@/lib/people/people";

/**
 * DELETE: revokes every CLI session (token) of the signed-in person, on "CLI sessions" (docs/API.md).
 * Only their own, admin or not; each is audited. Answers how many were revoked.
 */
export const DELETE = withSession(noParams, async ({ user, meta }) => {
  const db = getDb();
  const revoked = await revokeAllOwnCliTokens(
    db,
    { by: user, ownerUserIds: await identityIdsOf(db, user.personId), meta },
    currentTime(),
  );
  return NextResponse.json({ revoked }, { headers: NO_STORE });
});

export const { GET, POST, PUT, PATCH, OPTIONS } = otherMethods({ DELETE });

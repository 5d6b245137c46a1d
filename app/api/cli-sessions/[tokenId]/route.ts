import { z } from "zod";
import { revokeCliToken } from "@/lib/cli-auth/revoke-cli-token";
import { currentTime } from "@/lib/clock";
import { getDb } from "@/lib/db/client";
import { recordId } from "@/lib/db/record-id";
import { withSession } from "@/lib/http/api-handler";
import { otherMethods } from "@/lib/http/fallback-handlers";
import { identityIdsOf } from "@/lib/people/people";

/**
 * DELETE: revokes a CLI session (token). The owner may revoke their own, an admin anyone's; to
 * anyone else it does not exist (404). Its next use is refused.
 */
export const DELETE = withSession(
  z.object({ tokenId: recordId }),
  async ({ user, meta, params }) => {
    const db = getDb();
    await revokeCliToken(
      db,
      {
        tokenId: params.tokenId,
        by: user,
        ownerUserIds: await identityIdsOf(db, user.personId),
        meta,
      },
      currentTime(),
    );
    return new Response(null, { status: 204, headers: { "Cache-Control": "no-store" } });
  },
);

export const { GET, POST, PUT, PATCH, OPTIONS } = otherMethods({ DELETE });

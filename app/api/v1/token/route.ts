import { noParams } from "@/lib/http/schemas";
import { revokeOwnCliToken } from "@/lib/cli-auth/revoke-cli-token";
import { currentTime } from "@/lib/clock";
import { getDb } from "@/lib/db/client";
import { withCliToken } from "@/lib/http/bearer-api";
import { otherMethods } from "@/lib/http/fallback-handlers";

/** DELETE: the token revokes itself (`gatehouse logout`); its next use is refused. */
export const DELETE = withCliToken(noParams, async ({ user, token, meta }) => {
  await revokeOwnCliToken(getDb(), { tokenId: token.id, user, meta }, currentTime());
  return new Response(null, { status: 204 });
});

export const { GET, POST, PUT, PATCH, OPTIONS } = otherMethods({ DELETE });

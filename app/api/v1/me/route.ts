import { noParams } from "@/lib/http/schemas";
import { NextResponse } from "next/server";
import { actorOf } from "@/lib/audit/actor";
import { writeAuditEvent } from "@/lib/audit/write-audit-event";
import { getDb } from "@/lib/db/client";
import { withCliToken } from "@/lib/http/bearer-api";
import { otherMethods } from "@/lib/http/fallback-handlers";

/** GET: who the token belongs to, and the token itself (`gatehouse status`). Audited. */
export const GET = withCliToken(
  noParams,
  async ({ request, user, token, meta }) => {
    // Next.js answers HEAD with this handler; a HEAD shows nothing, so it records nothing.
    if (request.method !== "HEAD")
      await writeAuditEvent(getDb(), {
        action: "cli.whoami",
        outcome: "success",
        actor: actorOf(user),
        meta,
      });
    return NextResponse.json({
      user: {
        id: user.id,
        email: user.email,
        displayName: user.displayName,
        subject: user.subject,
        issuer: user.issuer,
        groups: user.groups,
        isAdmin: user.isAdmin,
        isAuditor: user.isAuditor,
      },
      token: {
        id: token.id,
        deviceName: token.deviceName,
        createdAt: token.createdAt.toISOString(),
        expiresAt: token.expiresAt.toISOString(),
        mfaAuthenticated: token.mfaAuthenticated,
      },
    });
  },
  { rateLimit: "api" },
);

export const { POST, PUT, PATCH, DELETE, OPTIONS } = otherMethods({ GET });

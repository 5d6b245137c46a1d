import { NextResponse } from "next/server";
import { z } from "zod";
import { verifyAndRecord } from "@/lib/audit/record-audit-access";
import { VERIFICATION_STREAM_TYPE, verificationStream } from "@/lib/http/audit-verification-stream";
import { getDb } from "@/lib/db/client";
import { NO_STORE, withSession } from "@/lib/http/api-handler";
import { otherMethods } from "@/lib/http/fallback-handlers";
import { actorOf } from "@/lib/audit/actor";

/**
 * POST: walk the whole hash chain and report the first broken link, if any. With
 * `Accept: application/x-ndjson` the answer streams progress lines and then the report (see
 * verificationStream). Auditors and admins only; same-origin only (withSession checks Origin on
 * every non-GET); the check is itself audited.
 */
export const POST = withSession(
  z.object({}).optional(),
  async ({ request, user, meta }) => {
    if (request.headers.get("accept")?.includes("application/x-ndjson"))
      return new Response(verificationStream(getDb(), actorOf(user), meta), {
        headers: {
          ...NO_STORE,
          "Content-Type": VERIFICATION_STREAM_TYPE,
          "X-Content-Type-Options": "nosniff",
        },
      });
    const report = await verifyAndRecord(getDb(), actorOf(user), meta, "portal");
    return NextResponse.json(report, { headers: NO_STORE });
  },
  { privilege: "auditor" },
);

export const { GET, PUT, PATCH, DELETE, OPTIONS } = otherMethods({ POST });

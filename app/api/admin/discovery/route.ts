import { NextResponse } from "next/server";
import { z } from "zod";
import { actorOf } from "@/lib/audit/actor";
import { currentTime } from "@/lib/clock";
import { getDb } from "@/lib/db/client";
import { listDiscoveryRuns } from "@/lib/discovery/runs";
import { startManualDiscovery } from "@/lib/discovery/worker";
import { NO_STORE, withSession } from "@/lib/http/api-handler";
import { otherMethods } from "@/lib/http/fallback-handlers";

/** GET (admins): the latest discovery runs, newest first (docs/DISCOVERY.md). */
export const GET = withSession(
  z.object({}).optional(),
  async () =>
    NextResponse.json(
      { runs: await listDiscoveryRuns(getDb(), currentTime()) },
      { headers: NO_STORE },
    ),
  { privilege: "admin" },
);

/**
 * POST (admins): starts a discovery run; 202 with its id once claimed, the reading goes on in the
 * background (poll GET /api/admin/discovery/{runId}). 409 while another run is in progress, 400
 * when discovery is not configured.
 */
export const POST = withSession(
  z.object({}).optional(),
  async ({ user, meta }) => {
    const runId = await startManualDiscovery({
      trigger: "manual",
      actor: actorOf(user),
      actorPersonId: user.personId,
      meta,
    });
    return NextResponse.json(
      { runId, url: `/admin/accounts/discover?run=${runId}` },
      { status: 202, headers: NO_STORE },
    );
  },
  { privilege: "admin" },
);

export const { PUT, PATCH, DELETE, OPTIONS } = otherMethods({ GET, POST });

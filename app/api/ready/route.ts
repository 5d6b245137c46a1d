import { NextResponse } from "next/server";
import { getDb } from "@/lib/db/client";
import { checkReadiness } from "@/lib/health/readiness";
import { methodNotAllowed } from "@/lib/http/fallback-handlers";

/**
 * Readiness: 200 when this replica can serve — the database takes a durable write and the audit
 * log takes events — else 503 with Retry-After, naming what is not ready (never a driver's detail:
 * that goes to the log). For a load balancer's or orchestrator's readiness probe; liveness is
 * /api/health.
 */
export async function GET(): Promise<Response> {
  const readiness = await checkReadiness(getDb());
  return NextResponse.json(
    { status: readiness.ready ? "ready" : "not ready", checks: readiness.checks },
    {
      status: readiness.ready ? 200 : 503,
      headers: { "Cache-Control": "no-store", ...(readiness.ready ? {} : { "Retry-After": "5" }) },
    },
  );
}

const onlyGet = methodNotAllowed(["GET"]);
export { onlyGet as POST, onlyGet as PUT, onlyGet as PATCH, onlyGet as DELETE };

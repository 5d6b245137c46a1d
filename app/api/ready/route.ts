import { NextResponse } from "next/server";
import { getConfig } from "@/lib/config";
import { getDb } from "@/lib/db/client";
import { getBroker } from "@/lib/issuance/context";
import { checkReadiness } from "@/lib/health/readiness";
import { otherMethods } from "@/lib/http/fallback-handlers";

/**
 * Readiness: 200 when this replica can serve — the database takes a durable write, its schema has
 * this code's migrations, the audit log takes events and the broker's identity is known — else 503 with Retry-After, naming what is not ready (never a driver's detail:
 * that goes to the log). For a load balancer's or orchestrator's readiness probe; liveness is
 * /api/health.
 */
export async function GET(): Promise<Response> {
  const config = getConfig();
  const broker = getBroker();
  const readiness = await checkReadiness(getDb(), {
    databaseUrl: config.databaseUrl,
    brokerIdentity: config.readyRequiresBroker ? () => broker.getBrokerIdentity() : null,
  });
  return NextResponse.json(
    { status: readiness.ready ? "ready" : "not ready", checks: readiness.checks },
    {
      status: readiness.ready ? 200 : 503,
      headers: { "Cache-Control": "no-store", ...(readiness.ready ? {} : { "Retry-After": "5" }) },
    },
  );
}

export const { POST, PUT, PATCH, DELETE, OPTIONS } = otherMethods({ GET });

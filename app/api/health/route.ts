import { NextResponse } from "next/server";
import { otherMethods } from "@/lib/http/fallback-handlers";

/**
 * Liveness: 200 whenever the process serves requests. It asks nothing of the database on purpose
 * — an orchestrator restarts a replica whose liveness fails, and restarting cures no database
 * outage; whether this replica should get traffic is /api/ready.
 */
export function GET(): Response {
  return NextResponse.json({ status: "ok" }, { headers: { "Cache-Control": "no-store" } });
}

export const { POST, PUT, PATCH, DELETE, OPTIONS } = otherMethods({ GET });

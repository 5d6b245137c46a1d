import { NextResponse } from "next/server";
import { getDb } from "@/lib/db/client";
import { log } from "@/lib/log";

/** Liveness and readiness: 200 when the process serves and the database answers. */
export async function GET(): Promise<Response> {
  try {
    await getDb().$queryRawUnsafe("SELECT 1");
    return NextResponse.json({ status: "ok" }, { headers: { "Cache-Control": "no-store" } });
  } catch (error) {
    log.error("health check: database unreachable", { error });
    return NextResponse.json(
      { status: "unavailable" },
      { status: 503, headers: { "Cache-Control": "no-store" } },
    );
  }
}

import { NextResponse, type NextRequest } from "next/server";
import { getConfig } from "@/lib/config";
import { PEER_ADDRESS_HEADER } from "@/lib/http/client-address";
import { otherMethods } from "@/lib/http/fallback-handlers";
import { requestMetaFrom } from "@/lib/http/request-meta";
import { checkMetricsAccess } from "@/lib/metrics/metrics-access";
import { exposition, metrics } from "@/lib/metrics/registry";

/**
 * Prometheus metrics in the text exposition format (docs/OPERATIONS.md "Metrics"): for a scraper
 * holding the metrics token, or on an allowed network. Each replica serves its own process's.
 */
export async function GET(request: NextRequest): Promise<Response> {
  const meta = requestMetaFrom(request.headers);
  const access = checkMetricsAccess(getConfig().metrics, {
    authorization: request.headers.get("authorization"),
    clientAddress: meta.ip,
    peerAddress: request.headers.get(PEER_ADDRESS_HEADER) || null,
  });
  if (!access.allowed)
    return NextResponse.json(
      {
        error: {
          code: access.status === 401 ? "unauthenticated" : "forbidden",
          message: access.why,
          requestId: meta.requestId,
        },
      },
      {
        status: access.status,
        headers: {
          "Cache-Control": "no-store",
          ...(access.status === 401
            ? { "WWW-Authenticate": 'Bearer realm="gatehouse-metrics"' }
            : {}),
        },
      },
    );
  return new Response(await exposition(), {
    headers: { "Content-Type": metrics().registry.contentType, "Cache-Control": "no-store" },
  });
}

export const { POST, PUT, PATCH, DELETE, OPTIONS } = otherMethods({ GET });

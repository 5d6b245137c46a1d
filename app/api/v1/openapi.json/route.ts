import { NextResponse } from "next/server";
import { getConfig } from "@/lib/config";
import { otherMethods } from "@/lib/http/fallback-handlers";
import { openApiDocument } from "@/lib/http/openapi";

/** GET: the OpenAPI 3.1 document of /api/v1 (public: it describes, it grants nothing). */
export function GET(): Response {
  return NextResponse.json(openApiDocument(getConfig().publicUrl), {
    headers: { "Cache-Control": "public, max-age=300" },
  });
}

export const { POST, PUT, PATCH, DELETE, OPTIONS } = otherMethods({ GET });

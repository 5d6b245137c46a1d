import { currentTime } from "@/lib/clock";
import { z } from "zod";
import { toDocument, serialiseDocument } from "@/lib/config-as-code/export-config";
import { exportableConfig } from "@/lib/config-as-code/import-config";
import { getConfig } from "@/lib/config";
import { getDb } from "@/lib/db/client";
import { NO_STORE, withSession } from "@/lib/http/api-handler";
import { AppError } from "@/lib/errors";
import { methodNotAllowed } from "@/lib/http/fallback-handlers";
import { singleValuedQuery } from "@/lib/query-params";

const CONTENT_TYPE = {
  yaml: "application/yaml; charset=utf-8",
  json: "application/json; charset=utf-8",
};

/**
 * GET ?format=yaml|json: every account, role and access rule as one file, in a fixed order, that
 * imports back unchanged. Admins only (withSession checks; anyone else gets a 404 that says
 * nothing); never cached.
 */
export const GET = withSession(
  // No route params: static routes get none (undefined), not {}.
  z.object({}).optional(),
  async ({ request }) => {
    const format = singleValuedQuery(request.nextUrl.searchParams).get("format") ?? "yaml";
    if (format !== "yaml" && format !== "json")
      throw new AppError("validation_error", "Choose format=yaml or format=json.", {
        issues: [{ path: "format", message: "Expected yaml or json." }],
      });
    const text = serialiseDocument(
      toDocument(await exportableConfig(getDb()), getConfig().aws.partition),
      format,
    );
    const day = currentTime().toISOString().slice(0, 10);
    return new Response(text, {
      headers: {
        ...NO_STORE,
        "Content-Type": CONTENT_TYPE[format],
        "Content-Disposition": `attachment; filename="gatehouse-config-${day}.${format}"`,
        "X-Content-Type-Options": "nosniff",
      },
    });
  },
  { privilege: "admin" },
);

const getOnly = methodNotAllowed(["GET"]);
export { getOnly as POST, getOnly as PUT, getOnly as PATCH, getOnly as DELETE };

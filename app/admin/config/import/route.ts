import { currentTime } from "@/lib/clock";
import { NextResponse } from "next/server";
import { z } from "zod";
import {
  applyImport,
  dryRunImport,
  importSiteOf,
  type ImportResult,
} from "@/lib/config-as-code/import-config";
import { getConfig } from "@/lib/config";
import { getDb } from "@/lib/db/client";
import { NO_STORE, readJsonBody, withSession } from "@/lib/http/api-handler";
import { methodNotAllowed } from "@/lib/http/fallback-handlers";
import { actorOf } from "@/lib/audit/actor";

/**
 * A file of 5,000 accounts and 50,000 rules is about 8 MB of YAML: room for that and more. What
 * bounds a file is how many values it holds, which parse-text checks against the heap first.
 */
const MAX_BODY_BYTES = 40 * 1024 * 1024;

const importRequest = z.discriminatedUnion("mode", [
  z.object({
    mode: z.literal("dry-run"),
    text: z.string(),
    format: z.enum(["yaml", "json"]).optional(),
  }),
  z.object({
    mode: z.literal("apply"),
    text: z.string(),
    format: z.enum(["yaml", "json"]).optional(),
    expectedHash: z.string().regex(/^[0-9a-f]{64}$/, "The hash from the dry run."),
  }),
]);

const STATUS = (result: ImportResult) =>
  result.ok ? 200 : result.reason === "invalid" ? 400 : 409;

/**
 * POST { mode: "dry-run", text } → what importing would change (nothing is written);
 * POST { mode: "apply", text, expectedHash } → applies it in one transaction with one audit event,
 * or 409 when the database moved since the dry run, or 400 naming every bad entry (nothing
 * changed). Admins only, same-origin only (withSession).
 */
export const POST = withSession(
  // No route params: static routes get none (undefined), not {}.
  z.object({}).optional(),
  async ({ request, user, meta }) => {
    const body = await readJsonBody(request, importRequest, MAX_BODY_BYTES);
    const now = currentTime();
    const result =
      body.mode === "dry-run"
        ? await dryRunImport(getDb(), body.text, body.format, now, importSiteOf(getConfig()))
        : await applyImport(
            getDb(),
            {
              text: body.text,
              expectedHash: body.expectedHash,
              ...(body.format ? { format: body.format } : {}),
            },
            actorOf(user),
            meta,
            now,
            importSiteOf(getConfig()),
          );
    return NextResponse.json(result, { status: STATUS(result), headers: NO_STORE });
  },
  { privilege: "admin" },
);

const postOnly = methodNotAllowed(["POST"]);
export { postOnly as GET, postOnly as PUT, postOnly as PATCH, postOnly as DELETE };

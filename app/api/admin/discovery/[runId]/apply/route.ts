import { NextResponse } from "next/server";
import { z } from "zod";
import { actorOf } from "@/lib/audit/actor";
import { currentTime } from "@/lib/clock";
import { getDb } from "@/lib/db/client";
import { recordId } from "@/lib/db/record-id";
import { applyDiscoveryChanges, type Selection } from "@/lib/discovery/apply";
import { CHANGE_KINDS, type ChangeKind } from "@/lib/discovery/changes";
import { NO_STORE, readJsonBody, withSession } from "@/lib/http/api-handler";
import { methodNotAllowed } from "@/lib/http/fallback-handlers";

const changeKey = z.string().min(1).max(300);
const body = z.union(
  [
    z.object({ all: z.literal(true) }).strict(),
    z.object({ keys: z.array(changeKey).min(1, "name at least one change").max(20_000) }).strict(),
    z
      .object({
        kinds: z
          .array(z.enum(CHANGE_KINDS as [string, ...string[]]))
          .min(1, "name at least one kind"),
      })
      .strict(),
  ],
  { message: 'send {"all": true}, {"keys": [change keys]} or {"kinds": [change kinds]}' },
);

/**
 * POST (admins): applies all, some (by key) or whole kinds of a complete run's changes, each
 * re-checked against the database; answers which were applied and which skipped, and why.
 * Audited as discovery.applied. 409 when the run is not complete or is being applied at once.
 */
export const POST = withSession(
  z.object({ runId: recordId }),
  async ({ request, user, meta, params }) => {
    const input = await readJsonBody(request, body, 2 * 1024 * 1024);
    const selection: Selection =
      "all" in input
        ? { all: true }
        : "keys" in input
          ? { keys: input.keys }
          : { kinds: input.kinds as ChangeKind[] };
    const result = await applyDiscoveryChanges(getDb(), {
      runId: params.runId,
      selection,
      actor: actorOf(user),
      actorLabel: user.email ?? user.subject,
      meta,
      now: currentTime(),
    });
    return NextResponse.json(result, { headers: NO_STORE });
  },
  { privilege: "admin" },
);

const onlyPost = methodNotAllowed(["POST"]);
export { onlyPost as GET, onlyPost as PUT, onlyPost as PATCH, onlyPost as DELETE };

import { NextResponse } from "next/server";
import { z } from "zod";
import { actorOf } from "@/lib/audit/actor";
import { currentTime } from "@/lib/clock";
import { getDb } from "@/lib/db/client";
import { recordId } from "@/lib/db/record-id";
import { applyDiscoveryChanges, type Selection } from "@/lib/discovery/apply";
import { CHANGE_KINDS, type ChangeKind } from "@/lib/discovery/changes";
import { NO_STORE, readJsonBody, withSession } from "@/lib/http/api-handler";
import { otherMethods } from "@/lib/http/fallback-handlers";

const changeKey = z.string().min(1, "must not be empty").max(300, "must be at most 300 characters");
const SELECTION_MESSAGE =
  'send one of {"all": true}, {"keys": [change keys]} or {"kinds": [change kinds]}';
const body = z
  .object({
    all: z.literal(true, { message: "must be true" }).optional(),
    keys: z
      .array(changeKey, { message: "must be a list of change keys" })
      .min(1, "name at least one change")
      .max(20_000, "may name at most 20,000 changes at once")
      .optional(),
    kinds: z
      .array(
        z.enum(CHANGE_KINDS as [string, ...string[]], {
          message: `must be one of ${CHANGE_KINDS.join(", ")}`,
        }),
        { message: "must be a list of change kinds" },
      )
      .min(1, "name at least one kind")
      .optional(),
  })
  .strict()
  .refine(
    (v) => [v.all, v.keys, v.kinds].filter((field) => field !== undefined).length === 1,
    SELECTION_MESSAGE,
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
    const selection: Selection = input.keys
      ? { keys: input.keys }
      : input.kinds
        ? { kinds: input.kinds as ChangeKind[] }
        : { all: true };
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

export const { GET, PUT, PATCH, DELETE, OPTIONS } = otherMethods({ POST });

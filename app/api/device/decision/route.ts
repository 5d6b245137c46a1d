import { noParams } from "@/lib/http/schemas";
import { NextResponse } from "next/server";
import { z } from "zod";
import { decideDeviceAuthorization } from "@/lib/cli-auth/device-authorization";
import { currentTime } from "@/lib/clock";
import { getConfig } from "@/lib/config";
import { getDb } from "@/lib/db/client";
import { NO_STORE, readJsonBody, withSession } from "@/lib/http/api-handler";
import { otherMethods } from "@/lib/http/fallback-handlers";

const decisionBody = z
  .object({
    code: z.string().min(1, "is required").max(32, "is too long"),
    decision: z.enum(["approve", "deny"], { message: "must be approve or deny" }),
  })
  .strict();

/**
 * POST: the signed-in person approves or denies a gatehouse CLI sign-in they see on /device
 * (docs/API.md). Cookie-authenticated, so same-origin only (withSession).
 */
export const POST = withSession(noParams, async ({ request, user, meta }) => {
  const body = await readJsonBody(request, decisionBody);
  await decideDeviceAuthorization(
    getDb(),
    {
      typedCode: body.code,
      approve: body.decision === "approve",
      user,
      meta,
      limits: getConfig().rateLimits,
    },
    currentTime(),
  );
  return NextResponse.json({ decision: body.decision }, { headers: NO_STORE });
});

export const { GET, PUT, PATCH, DELETE, OPTIONS } = otherMethods({ POST });

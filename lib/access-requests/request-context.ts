import "server-only";
import type { SignedInUser } from "@/lib/auth/portal-session";
import { currentTime } from "@/lib/clock";
import { getConfig } from "@/lib/config";
import { getDb } from "@/lib/db/client";
import { isAppError } from "@/lib/errors";
import type { RequestMeta } from "@/lib/request-meta";
import type { RequestContext } from "./context";
import type { NotifySettings } from "./events";
import { auditRequestRefusal, type RefusalSubject } from "./request-access";
import { kickAccessRequestWorker } from "./worker";

/** The context of one access-request operation by the signed-in user, on the portal's clock. */
export function requestContextFor(user: SignedInUser, meta: RequestMeta): RequestContext {
  const config = getConfig();
  return {
    db: getDb(),
    now: currentTime(),
    clock: currentTime,
    meta,
    user,
    decideWithinSeconds: config.accessRequests.decideWithinSeconds,
    notify: notifySettings(),
  };
}

/** Where request events are told, from the configuration (also for admin changes that close requests). */
export function notifySettings(): NotifySettings {
  const config = getConfig();
  return { webhookUrl: config.accessRequests.webhookUrl, portalUrl: config.publicUrl };
}

/**
 * The refusals recorded: not eligible, not an approver, not theirs, their own, MFA needed, and too
 * late or lost to a concurrent change (a decision on an expired, cancelled or decided request). A
 * refusal of a signed-in person is audited in full (docs/SECURITY.md "Rate limits"); only a body
 * that is not valid is not.
 */
const AUDITED_REFUSALS = new Set(["forbidden", "not_found", "conflict", "mfa_required"]);

/**
 * Runs one access-request operation: a refusal is audited as access-request.refused, with its
 * reason, before it propagates; after a change commits, its webhooks are sent at once.
 */
export async function runRequestOperation<T>(
  ctx: RequestContext,
  what: string,
  subject: RefusalSubject,
  operation: () => Promise<T>,
): Promise<T> {
  try {
    const result = await operation();
    kickAccessRequestWorker();
    return result;
  } catch (error) {
    if (isAppError(error) && AUDITED_REFUSALS.has(error.code))
      await auditRequestRefusal(ctx, what, error, subject);
    throw error;
  }
}

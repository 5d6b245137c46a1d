import "server-only";
import { recordAnonymousRefusal } from "@/lib/audit/anonymous-refusals";
import type { Db } from "@/lib/db/client";
import type { RequestMeta } from "@/lib/request-meta";
import type { RateLimits } from "@/lib/rate-limit/settings";
import { log } from "@/lib/log";
import type { SamlIdpConfig } from "./idp-registry";
import { SamlRejection } from "./types";

/**
 * Logs and audits a SAML message the portal refused (its specific reason, or internal_error for
 * anything unexpected). The sender has no portal session, so the record is an anonymous refusal:
 * rate-limited per client address.
 */
export async function recordSamlRefusal(args: {
  db: Db;
  error: unknown;
  idp: SamlIdpConfig | null;
  action: "auth.sign-in-failed" | "auth.single-logout";
  what: string;
  meta: RequestMeta;
  now: Date;
  rateLimits?: RateLimits;
}): Promise<void> {
  const { error, idp, meta } = args;
  const rejection = error instanceof SamlRejection ? error : null;
  const reason = rejection?.reason ?? "internal_error";
  const detail = (
    rejection?.detail ?? (error instanceof Error ? error.message : String(error))
  ).slice(0, 500);
  log.warn(`${args.what} refused`, {
    requestId: meta.requestId,
    reason,
    detail,
    idp: idp?.slug ?? null,
  });
  await recordAnonymousRefusal(
    args.db,
    {
      action: args.action,
      outcome: rejection ? "denied" : "error",
      actor: {
        userId: null,
        issuer: idp?.entityId ?? null,
        subject: null,
        email: null,
        groups: null,
      },
      meta,
      details: { method: "saml", idp: idp?.slug ?? null, reason, detail },
    },
    args.now,
    ...(args.rateLimits ? [args.rateLimits] : []),
  );
}

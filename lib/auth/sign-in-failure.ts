import "server-only";
import { currentTime } from "@/lib/clock";
import { recordAnonymousRefusal } from "@/lib/audit/anonymous-refusals";
import { ANONYMOUS_ACTOR } from "@/lib/audit/write-audit-event";
import type { Db } from "@/lib/db/client";
import type { RequestMeta } from "@/lib/request-meta";
import { log } from "@/lib/log";

export interface OidcSignInFailure {
  /** next-auth's error code as it sends the browser (OAuthCallback, Callback, OAuthSignin …). */
  code: string;
  /** What the server observed: the library's error, the claims check. */
  reason: string;
  /** The IdP's `error` / `error_description` on the callback, when it sent one. */
  idpError: string | null;
  idpErrorDescription: string | null;
  /** The person pressed Cancel at the IdP (`access_denied`). */
  cancelled: boolean;
}

/**
 * The one audit event (and log line) for a failed OIDC sign-in, under the request id the sign-in
 * page shows as the reference (docs/SECURITY.md "Sign-in failures"). Values that came from the
 * IdP's redirect are capped: they are the IdP's words, carried by the browser.
 */
export async function recordOidcSignInFailure(
  db: Db,
  meta: RequestMeta,
  failure: OidcSignInFailure,
): Promise<void> {
  const details = {
    method: "oidc",
    code: failure.code.slice(0, 64),
    reason: failure.cancelled
      ? "the person cancelled at the identity provider (access_denied)"
      : failure.reason.slice(0, 500),
    idpError: failure.idpError?.slice(0, 64) ?? null,
    idpErrorDescription: failure.idpErrorDescription?.slice(0, 300) ?? null,
  };
  log.warn("sign-in failed", { requestId: meta.requestId, ...details });
  // Nobody is signed in: aggregated per address, so junk callbacks can't fill the audit log.
  await recordAnonymousRefusal(
    db,
    {
      action: "auth.sign-in-failed",
      outcome: failure.cancelled ? "denied" : "error",
      actor: ANONYMOUS_ACTOR,
      meta,
      details,
    },
    currentTime(),
  );
}

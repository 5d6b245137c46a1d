import "server-only";
import type { SignedInUser } from "@/lib/auth/portal-session";
import type { StsBroker } from "@/lib/aws/sts-broker-api";
import type { AppConfig } from "@/lib/config";
import type { Db } from "@/lib/db/client";
import type { RequestMeta } from "@/lib/request-meta";

/** What an issuance is asked with: the output, the request's context and its few choices. */

export type IssuanceOutput = "console" | "cli";

/** Everything an issuance needs, injected so tests and the CLI API can reuse the same path. */
export interface IssuanceContext {
  db: Db;
  broker: StsBroker;
  config: AppConfig;
  user: SignedInUser;
  meta: RequestMeta;
  now: Date;
  /**
   * The same-site path a step-up re-authentication (MFA, a SAML assertion) brings the browser back
   * to; "/accounts" when absent. Validated by the route (lib/http/schemas.ts).
   */
  returnTo?: string;
}

/** What the request may choose: where and for how long, never which role ARN or session name. */
export interface IssuanceOptions {
  region: string;
  /** Requested session length; absent means the longest the grant, role and broker allow. */
  durationSeconds?: number;
}

export const DEFAULT_RETURN_TO = "/accounts";

import type { SignedInUser } from "@/lib/auth/portal-session";
import type { Db } from "@/lib/db/client";
import type { RequestMeta } from "@/lib/request-meta";
import type { NotifySettings } from "./events";

/** What every access-request operation needs: who acts, when, and where events go. */
export interface RequestContext {
  db: Db;
  now: Date;
  /**
   * The portal's clock read again at the moment of a write: a conditional UPDATE that depends on
   * time (a cancel only before the start) is checked against this, not against `now`, which was
   * read before the request was loaded and may be behind by the time the write runs.
   */
  clock: () => Date;
  meta: RequestMeta;
  user: SignedInUser;
  /** A pending request not decided within this expires (GATEHOUSE_ACCESS_REQUEST_DECIDE_WITHIN_SECONDS). */
  decideWithinSeconds: number;
  notify: NotifySettings;
}

import "server-only";
import { currentTime } from "@/lib/clock";
import type { SignedInUser } from "@/lib/auth/portal-session";
import { createStsBroker, type StsBroker } from "@/lib/aws/sts-broker";
import { getConfig } from "@/lib/config";
import { getDb } from "@/lib/db/client";
import type { RequestMeta } from "@/lib/request-meta";
import type { IssuanceContext } from "./assume-granted-role";

// One broker per process: it holds the broker's exchanged session, the MFA unlock and the
// endpoints' health, all only in this process's memory, and every entry point (route handlers,
// admin server actions, the startup check) must see the same one.
const globalForBroker = globalThis as unknown as { gatehouseBroker?: StsBroker };

export function getBroker(): StsBroker {
  globalForBroker.gatehouseBroker ??= createStsBroker(getConfig().aws);
  return globalForBroker.gatehouseBroker;
}

export function issuanceContext(user: SignedInUser, meta: RequestMeta): IssuanceContext {
  return { db: getDb(), broker: getBroker(), config: getConfig(), user, meta, now: currentTime() };
}

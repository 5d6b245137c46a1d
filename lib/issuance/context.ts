import "server-only";
import { currentTime } from "@/lib/clock";
import type { SignedInUser } from "@/lib/auth/portal-session";
import { createDbBrokerSessionStore } from "@/lib/aws/broker-session-store";
import { createStsBroker } from "@/lib/aws/sts-broker";
import type { StsBroker } from "@/lib/aws/sts-broker-api";
import { getConfig } from "@/lib/config";
import { getDb } from "@/lib/db/client";
import type { RequestMeta } from "@/lib/request-meta";
import type { IssuanceContext } from "./issuance-request";

// One broker per process: it holds the broker's exchanged session, the MFA unlock and the
// endpoints' health, and every entry point (route handlers, admin server actions, the startup
// check) must see the same one. With shared sessions (docs/OPERATIONS.md "The broker's
// sessions") the exchanged sessions are also kept, sealed, in the database for the other replicas.
const globalForBroker = globalThis as unknown as { gatehouseBroker?: StsBroker };

export function getBroker(): StsBroker {
  globalForBroker.gatehouseBroker ??= createBroker();
  return globalForBroker.gatehouseBroker;
}

function createBroker(): StsBroker {
  const config = getConfig();
  const keyId = config.aws.brokerCredentials?.accessKeyId;
  const sessionStore =
    config.brokerSharedSessions && keyId
      ? createDbBrokerSessionStore(getDb(), { sealSecret: config.authSecret, sourceKeyId: keyId })
      : undefined;
  return createStsBroker(config.aws, sessionStore ? { sessionStore } : {});
}

export function issuanceContext(user: SignedInUser, meta: RequestMeta): IssuanceContext {
  return { db: getDb(), broker: getBroker(), config: getConfig(), user, meta, now: currentTime() };
}

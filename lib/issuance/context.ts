import "server-only";
import type { SignedInUser } from "@/lib/auth/portal-session";
import { createStsBroker, type StsBroker } from "@/lib/aws/sts-broker";
import { getConfig } from "@/lib/config";
import { getDb } from "@/lib/db/client";
import { AppError, isAppError, type AppErrorOptions, type ErrorCode } from "@/lib/http/errors";
import type { RequestMeta } from "@/lib/http/request-meta";
import type { IssuanceContext } from "./issue-session";

// One broker per process: it holds the broker's exchanged session, the MFA unlock and the
// endpoints' health, all only in this process's memory, and every entry point (route handlers,
// admin server actions, the startup check) must see the same one.
const globalForBroker = globalThis as unknown as { gatehouseBroker?: StsBroker };

/**
 * The process's broker, seen from this bundle. Next.js compiles instrumentation, pages and route
 * handlers into separate bundles, each with its own copy of lib/http/errors; the shared broker
 * throws the AppError class of whichever bundle created it, which `instanceof` in another bundle
 * would not recognize (a 500 instead of, say, 503 aws_unavailable). So each bundle gets a thin
 * view that re-creates such errors with its own AppError.
 */
let view: StsBroker | undefined;

export function getBroker(): StsBroker {
  globalForBroker.gatehouseBroker ??= createStsBroker(getConfig().aws);
  const shared = globalForBroker.gatehouseBroker;
  view ??= {
    assumeRole: (request) => shared.assumeRole(request).catch(rethrowLocal),
    assumeRoleWithSaml: (request) => shared.assumeRoleWithSaml(request).catch(rethrowLocal),
    getBrokerIdentity: (options) => shared.getBrokerIdentity(options).catch(rethrowLocal),
    getStatus: (options) => shared.getStatus(options).catch(rethrowLocal),
    unlockWithMfa: (tokenCode) => shared.unlockWithMfa(tokenCode).catch(rethrowLocal),
    lock: () => shared.lock(),
    getMfaStatus: () => shared.getMfaStatus(),
    getEndpointHealth: () => shared.getEndpointHealth(),
  };
  return view;
}

interface ForeignAppError extends Error, AppErrorOptions {
  code: ErrorCode;
  publicMessage: string;
}

function rethrowLocal(error: unknown): never {
  if (isAppError(error) || !(error instanceof Error) || error.name !== "AppError") throw error;
  const e = error as ForeignAppError;
  throw new AppError(e.code, e.publicMessage, {
    ...(e.internalReason !== undefined ? { internalReason: e.internalReason } : {}),
    ...(e.awsErrorCode !== undefined ? { awsErrorCode: e.awsErrorCode } : {}),
    ...(e.issues !== undefined ? { issues: e.issues } : {}),
    ...(e.nextUrl !== undefined ? { nextUrl: e.nextUrl } : {}),
    cause: e.cause,
  });
}

export function issuanceContext(user: SignedInUser, meta: RequestMeta): IssuanceContext {
  return { db: getDb(), broker: getBroker(), config: getConfig(), user, meta, now: new Date() };
}

import "server-only";
import { actorOf } from "@/lib/audit/actor";
import { writeAuditEvent } from "@/lib/audit/write-audit-event";
import type { SignedInUser } from "@/lib/auth/portal-session";
import type { Db } from "@/lib/db/client";
import { AppError } from "@/lib/errors";
import type { RequestMeta } from "@/lib/request-meta";
import type { RateLimits } from "@/lib/rate-limit/settings";
import { validationErrorOf } from "@/lib/validation-error";
import { APPROVAL_ENDED_STATUS } from "./ended-approval";
import { formatUserCode, newDeviceCode, newUserCode, secretHash } from "./codes";
import {
  lookUpUserCode,
  MALFORMED_CODE_ISSUE,
  USER_CODE_REFUSALS,
  type UserCodeRefusal,
} from "./user-code-lookup";

/** RFC 8628 §3.5: each slow_down adds 5 seconds to the interval the client must keep. */
const SLOW_DOWN_STEP_SECONDS = 5;

/** How long a finished or abandoned sign-in's row is kept after it expired. */
const EXPIRED_KEPT_MS = 24 * 3600 * 1000;

export interface DeviceAuthorizationSettings {
  deviceCodeTtlSeconds: number;
  pollIntervalSeconds: number;
}

export interface StartedDeviceAuthorization {
  deviceCode: string;
  /** As a person reads it: BCDF-GHJK. */
  userCode: string;
  expiresInSeconds: number;
  intervalSeconds: number;
}

/**
 * Opens a CLI sign-in (RFC 8628 §3.1–3.2): a device code for the CLI, a user code for the person.
 * Nobody is signed in yet, so nothing is audited here; the endpoint is rate-limited per address.
 */
export async function startDeviceAuthorization(
  db: Db,
  request: { clientId: string; deviceName: string; loginHint: string | null; meta: RequestMeta },
  settings: DeviceAuthorizationSettings,
  now: Date,
): Promise<StartedDeviceAuthorization> {
  // Sign-ins nobody finished are kept a day (for the approval page's "expired" answer and for
  // support questions), then purged here: starting one is the only way rows are added.
  await db.deviceAuthorization.deleteMany({
    where: { expiresAt: { lt: new Date(now.getTime() - EXPIRED_KEPT_MS) } },
  });
  const deviceCode = newDeviceCode();
  // 20^8 codes: a collision with a live one is rare, and the unique index turns it into a retry.
  for (let attempt = 1; ; attempt++) {
    const userCode = newUserCode();
    try {
      await db.deviceAuthorization.create({
        data: {
          deviceCodeHash: secretHash(deviceCode),
          userCode,
          clientId: request.clientId,
          deviceName: request.deviceName,
          clientAddress: request.meta.ip,
          userAgent: request.meta.userAgent,
          loginHint: request.loginHint,
          createdAt: now,
          expiresAt: new Date(now.getTime() + settings.deviceCodeTtlSeconds * 1000),
          intervalSeconds: settings.pollIntervalSeconds,
        },
      });
      return {
        deviceCode,
        userCode: formatUserCode(userCode),
        expiresInSeconds: settings.deviceCodeTtlSeconds,
        intervalSeconds: settings.pollIntervalSeconds,
      };
    } catch (error) {
      if (attempt >= 3 || (error as { code?: unknown }).code !== "P2002") throw error;
    }
  }
}

/** What the approval page shows of a pending sign-in. */
export interface PendingDeviceAuthorization {
  userCode: string;
  deviceName: string;
  clientAddress: string | null;
  userAgent: string | null;
  loginHint: string | null;
  createdAt: Date;
  expiresAt: Date;
}

/**
 * The pending, unexpired sign-in a typed user code names, or which refusal to show instead.
 * @throws AppError rate_limited (lookUpUserCode)
 */
export async function findPendingDeviceAuthorization(
  db: Db,
  request: { typedCode: string; user: SignedInUser; limits: RateLimits },
  now: Date,
): Promise<{ pending: PendingDeviceAuthorization } | { refused: UserCodeRefusal }> {
  const found = await lookUpUserCode(db, request, now);
  if (found.kind !== "pending") return { refused: found.kind };
  const row = found.row;
  return {
    pending: {
      userCode: formatUserCode(row.userCode),
      deviceName: row.deviceName,
      clientAddress: row.clientAddress,
      userAgent: row.userAgent,
      loginHint: row.loginHint,
      createdAt: row.createdAt,
      expiresAt: row.expiresAt,
    },
  };
}

/**
 * Whether a signed-in person is the one a login_hint names: by IdP subject, or by an email their
 * IdP verified (an email it did not vouch for may have been typed by anyone).
 */
export function matchesLoginHint(
  user: Pick<SignedInUser, "email" | "emailVerified" | "subject">,
  hint: string | null,
): boolean {
  if (hint === null) return true;
  const wanted = hint.trim().toLowerCase();
  if (user.subject.toLowerCase() === wanted) return true;
  return user.emailVerified && user.email?.toLowerCase() === wanted;
}

/**
 * Why the signed-in person may not approve a sign-in started for `hint`, in a sentence; null when
 * they may. An identity that carries the hinted email unverified is told that, not "you are not
 * that person" beside a label showing the same address.
 */
export function loginHintRefusal(
  user: Pick<SignedInUser, "email" | "emailVerified" | "subject">,
  hint: string | null,
): string | null {
  if (hint === null || matchesLoginHint(user, hint)) return null;
  if (user.email?.toLowerCase() === hint.trim().toLowerCase())
    return `This sign-in was started for ${hint}, but your identity provider did not verify that this email address is yours, so it can't be approved from this sign-in. Sign in through an identity provider that verifies it, or run gatehouse login without --user.`;
  return `This sign-in was started for ${hint}, not for you. Only that person can approve it.`;
}

/**
 * The signed-in person approves or denies a pending CLI sign-in. Exactly one decision counts (the
 * row changes only from pending), and it is audited in the same transaction. A sign-in the CLI
 * asked for a named person (login_hint) can't be approved by anyone else — refused and audited.
 * @throws AppError validation_error (not a code), not_found (unknown, expired or already decided
 * code, saying which), forbidden (someone else's), rate_limited (too many codes looked up)
 */
export async function decideDeviceAuthorization(
  db: Db,
  decision: {
    typedCode: string;
    approve: boolean;
    user: SignedInUser;
    meta: RequestMeta;
    limits: RateLimits;
  },
  now: Date,
): Promise<void> {
  const found = await lookUpUserCode(db, decision, now);
  // Not a code at all is bad input (docs/API.md); a code nobody can decide is not found.
  if (found.kind === "malformed")
    throw validationErrorOf([{ path: "code", message: MALFORMED_CODE_ISSUE }]);
  if (found.kind !== "pending") throw new AppError("not_found", USER_CODE_REFUSALS[found.kind]);
  const row = found.row;
  // Decided or expired between the lookup and the update (another tab, a double click).
  const gone = new AppError(
    "not_found",
    "This code was decided meanwhile, or has expired. Reload the page to see which.",
  );
  const target = { deviceName: row.deviceName, clientAddress: row.clientAddress };
  const hintRefusal = decision.approve ? loginHintRefusal(decision.user, row.loginHint) : null;
  if (hintRefusal !== null) {
    await writeAuditEvent(db, {
      action: "cli.device-approved",
      outcome: "denied",
      actor: actorOf(decision.user),
      meta: decision.meta,
      details: { ...target, reason: "the CLI asked for another person (login_hint)" },
    });
    throw new AppError("forbidden", `${hintRefusal} Nothing was approved.`);
  }
  await db.$transaction(async (tx) => {
    const changed = await tx.deviceAuthorization.updateMany({
      where: { id: row.id, status: "pending", expiresAt: { gt: now } },
      data: {
        status: decision.approve ? "approved" : "denied",
        decidedAt: now,
        decidedByUserId: decision.user.id,
        decidedBySessionId: decision.user.sessionId,
      },
    });
    if (changed.count !== 1) throw gone;
    await writeAuditEvent(tx, {
      action: decision.approve ? "cli.device-approved" : "cli.device-denied",
      outcome: "success",
      actor: actorOf(decision.user),
      meta: decision.meta,
      details: { ...target, mfaAuthenticated: decision.user.mfaAuthenticated },
    });
  });
}

/** What a poll of the token endpoint learns (RFC 8628 §3.5), before any token is made. */
export type PollOutcome =
  | { kind: "invalid_client" | "invalid_grant" | "expired_token" | "access_denied" }
  /** Approved, but the approving browser session ended before the exchange (ended-approval.ts). */
  | { kind: "approving_session_ended" }
  | { kind: "slow_down" | "authorization_pending" }
  | {
      kind: "approved";
      id: string;
      deviceName: string;
      clientAddress: string | null;
      decidedBySessionId: string;
      decidedByUserId: string | null;
    };

/**
 * One poll: unknown or already exchanged codes are invalid_grant; a poll sooner than the code's
 * interval after the previous one is slow_down and lengthens the interval by 5 s; then the
 * person's decision or the code's expiry. The poll time is recorded either way.
 */
export async function pollDeviceAuthorization(
  db: Db,
  poll: { deviceCode: string; clientId: string },
  now: Date,
): Promise<PollOutcome> {
  const row = await db.deviceAuthorization.findUnique({
    where: { deviceCodeHash: secretHash(poll.deviceCode) },
  });
  if (!row || row.status === "exchanged") return { kind: "invalid_grant" };
  if (row.clientId !== poll.clientId) return { kind: "invalid_client" };
  if (row.status === "denied") return { kind: "access_denied" };
  if (row.status === APPROVAL_ENDED_STATUS) return { kind: "approving_session_ended" };
  if (row.expiresAt <= now) return { kind: "expired_token" };
  const tooSoon =
    row.lastPolledAt !== null &&
    now.getTime() - row.lastPolledAt.getTime() < row.intervalSeconds * 1000;
  await db.deviceAuthorization.update({
    where: { id: row.id },
    data: {
      lastPolledAt: now,
      ...(tooSoon ? { intervalSeconds: row.intervalSeconds + SLOW_DOWN_STEP_SECONDS } : {}),
    },
  });
  if (tooSoon) return { kind: "slow_down" };
  if (row.status !== "approved" || row.decidedBySessionId === null)
    return { kind: "authorization_pending" };
  return {
    kind: "approved",
    id: row.id,
    deviceName: row.deviceName,
    clientAddress: row.clientAddress,
    decidedBySessionId: row.decidedBySessionId,
    decidedByUserId: row.decidedByUserId,
  };
}

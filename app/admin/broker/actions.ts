"use server";

import { revalidatePath } from "next/cache";
import { z } from "zod";
import { runRoleCheck } from "@/lib/admin/role-check";
import { writeAuditEvent } from "@/lib/audit/write-audit-event";
import { mfaCodeDigits } from "@/lib/aws/mfa-code";
import type { RoleCheckReport } from "@/lib/aws/role-doctor";
import { getConfig } from "@/lib/config";
import { checkPrivilegedAction } from "@/lib/auth/privilege-guard";
import { getDb } from "@/lib/db/client";
import { AppError, isAppError } from "@/lib/errors";
import { getBroker } from "@/lib/issuance/context";
import { actorOf } from "@/lib/audit/actor";
import { actionForm } from "@/lib/http/action-form";
import { formatUtc } from "@/components/utc-time";

export interface UnlockFormState {
  ok: boolean;
  message: string | null;
  error: string | null;
}

const unlockInput = z.object({
  tokenCode: z.string().transform((typed, ctx) => {
    const digits = mfaCodeDigits(typed);
    if (digits === null) {
      ctx.addIssue({ code: "custom", message: "Enter the 6 digits your MFA device shows." });
      return z.NEVER;
    }
    return digits;
  }),
});

// Every server action checks for itself that the caller is a signed-in admin (invariant 4);
// a refusal is audited as admin.denied and changes nothing.

const NOT_ALLOWED = "Only Gatehouse administrators can unlock the broker. Nothing was changed.";

/** "Check now": GetCallerIdentity again, bypassing the five-minute cache. */
export async function checkBrokerNow(): Promise<void> {
  const check = await checkPrivilegedAction("admin", "check broker");
  if (!check.allowed) return;
  await getBroker().getStatus({ refresh: true });
  revalidatePath("/admin/broker");
}

export async function unlockBroker(
  _prev: UnlockFormState,
  input: unknown,
): Promise<UnlockFormState> {
  const form = actionForm(input);
  const check = await checkPrivilegedAction("admin", "unlock broker");
  if (!check.allowed) return { ok: false, message: null, error: NOT_ALLOWED };
  const { user, meta } = check;
  const parsed = unlockInput.safeParse({ tokenCode: form.get("tokenCode") ?? "" });
  if (!parsed.success)
    return { ok: false, message: null, error: parsed.error.issues[0]?.message ?? "Invalid code." };
  const broker = getBroker();
  const serial = broker.getMfaStatus().serialNumber;
  try {
    // The code itself is a one-time secret: it goes to AWS and nowhere else.
    const mfa = await broker.unlockWithMfa(parsed.data.tokenCode);
    try {
      await writeAuditEvent(getDb(), {
        action: "broker.unlocked",
        outcome: "success",
        actor: actorOf(user),
        meta,
        details: { mfaSerial: serial, expiresAt: mfa.expiresAt?.toISOString() ?? null },
      });
    } catch (auditError) {
      // No unlock without its audit record (docs/INVARIANTS.md invariant 2): undo it at once.
      await broker.lock().catch(() => undefined);
      revalidatePath("/admin/broker");
      throw new AppError(
        "audit_unavailable",
        "The audit log could not record the unlock, so the broker stays locked. Try again shortly.",
        {
          internalReason: isAppError(auditError)
            ? (auditError.internalReason ?? auditError.publicMessage)
            : "broker.unlocked could not be recorded",
          cause: auditError,
        },
      );
    }
    revalidatePath("/admin/broker");
    return {
      ok: true,
      message: `Unlocked until ${mfa.expiresAt ? formatUtc(mfa.expiresAt) : "—"}.`,
      error: null,
    };
  } catch (error) {
    if (!isAppError(error)) throw error;
    // Nothing was unlocked, so the admin hears why even when the log can't take this record
    // (writeAuditEvent has already logged and counted that failure).
    await writeAuditEvent(getDb(), {
      action: "broker.unlock-failed",
      outcome: error.code === "aws_refused" ? "denied" : "error",
      actor: actorOf(user),
      meta,
      details: {
        mfaSerial: serial,
        reason: (error.internalReason ?? error.publicMessage).slice(0, 1000),
        awsErrorCode: error.awsErrorCode ?? null,
      },
    }).catch(() => undefined);
    return { ok: false, message: null, error: error.publicMessage };
  }
}

export interface LockFormState {
  error: string | null;
}

/** Takes no input: useActionState passes the previous state and the form, and neither matters. */
export async function lockBroker(): Promise<LockFormState> {
  const check = await checkPrivilegedAction("admin", "lock broker");
  if (!check.allowed) return { error: "Only Gatehouse administrators can lock the broker." };
  const { user, meta } = check;
  const broker = getBroker();
  const mfaSerial = broker.getMfaStatus().serialNumber;
  let notShared: AppError | null = null;
  try {
    await broker.lock();
  } catch (error) {
    if (!isAppError(error)) throw error;
    // This replica is locked all the same; the record says the others may not be.
    notShared = error;
  }
  const recorded = writeAuditEvent(getDb(), {
    action: "broker.locked",
    outcome: notShared ? "error" : "success",
    actor: actorOf(user),
    meta,
    details: notShared
      ? {
          mfaSerial,
          reachedOtherReplicas: false,
          reason: (notShared.internalReason ?? notShared.publicMessage).slice(0, 1000),
        }
      : { mfaSerial },
  });
  revalidatePath("/admin/broker");
  if (notShared) {
    // The admin hears what happened even when the log can't take this record (writeAuditEvent
    // has already logged and counted that failure).
    await recorded.catch(() => undefined);
    return { error: notShared.publicMessage };
  }
  await recorded;
  return { error: null };
}

export interface RoleCheckState {
  report: RoleCheckReport | null;
  error: string | null;
}

const roleCheckInput = z.object({ roleId: z.string().regex(/^[a-z0-9]{1,40}$/, "Choose a role.") });

/**
 * "Check a role": does what an issuance would with the shortest session, as the admin who asked,
 * and explains what is missing. Audited (admin.role.checked); the credentials never leave the
 * server.
 */
export async function checkRoleAction(
  _prev: RoleCheckState,
  input: unknown,
): Promise<RoleCheckState> {
  const form = actionForm(input);
  const check = await checkPrivilegedAction("admin", "check role");
  if (!check.allowed)
    return { report: null, error: "Only Gatehouse administrators can check roles." };
  const { user, meta } = check;
  const parsed = roleCheckInput.safeParse({ roleId: form.get("roleId") ?? "" });
  if (!parsed.success) return { report: null, error: "Choose a role to check." };
  const report = await runRoleCheck(
    { db: getDb(), broker: getBroker(), config: getConfig() },
    parsed.data.roleId,
    {
      identity: { roleSessionName: user.roleSessionName, sourceIdentity: user.id },
      actor: actorOf(user),
      meta,
      via: "portal",
    },
  );
  if (!report) return { report: null, error: "That role no longer exists: reload the page." };
  return { report, error: null };
}

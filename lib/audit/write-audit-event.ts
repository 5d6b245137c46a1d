import "server-only";
import type { Db } from "@/lib/db/client";
import { AppError } from "@/lib/http/errors";
import type { RequestMeta } from "@/lib/http/request-meta";
import { log } from "@/lib/log";

export type AuditAction =
  | "auth.sign-in"
  | "auth.sign-in-failed"
  | "auth.sign-out"
  | "access.denied"
  | "console.issued"
  | "console.failed"
  | "credentials.issued"
  | "credentials.failed"
  | "admin.saml-idp.created"
  | "admin.saml-idp.updated"
  | "broker.unlocked"
  | "broker.unlock-failed"
  | "broker.locked"
  | "admin.account.created"
  | "admin.account.updated"
  | "admin.account.deleted"
  | "admin.role.created"
  | "admin.role.updated"
  | "admin.role.deleted"
  | "admin.rule.created"
  | "admin.rule.updated"
  | "admin.rule.deleted"
  | "admin.config.imported"
  | "admin.denied"
  | "audit.verified"
  | "audit.exported";

export type AuditOutcome = "success" | "denied" | "error";

export interface AuditActor {
  userId: string | null;
  issuer: string | null;
  subject: string | null;
  email: string | null;
  groups: string[] | null;
}

export interface AuditTarget {
  awsAccountId?: string;
  roleArn?: string;
  roleSessionName?: string;
  sourceIdentity?: string;
  durationSeconds?: number;
  /** Never a secret key, session token or sign-in token: only the access key id. */
  accessKeyId?: string;
}

export interface AuditEventInput {
  action: AuditAction;
  outcome: AuditOutcome;
  actor: AuditActor;
  meta: RequestMeta;
  target?: AuditTarget;
  /** Why: the specific reason for a denial or error. Must not contain secrets. */
  details?: Record<string, string | number | boolean | null | Record<string, unknown>>;
}

/**
 * Appends one audit event and waits until the database has it (DESIGN.md invariant 2). Callers
 * issuing credentials call this before the response carries them, so a failed write means no
 * credentials leave the server.
 * @throws AppError("audit_unavailable") when the event could not be recorded.
 */
export async function writeAuditEvent(
  db: Pick<Db, "auditEvent">,
  input: AuditEventInput,
): Promise<void> {
  try {
    await db.auditEvent.create({
      data: {
        requestId: input.meta.requestId,
        action: input.action,
        outcome: input.outcome,
        actorUserId: input.actor.userId,
        actorIssuer: input.actor.issuer,
        actorSubject: input.actor.subject,
        actorEmail: input.actor.email,
        actorGroupsJson: input.actor.groups ? JSON.stringify(input.actor.groups) : null,
        awsAccountId: input.target?.awsAccountId ?? null,
        roleArn: input.target?.roleArn ?? null,
        roleSessionName: input.target?.roleSessionName ?? null,
        sourceIdentity: input.target?.sourceIdentity ?? null,
        durationSeconds: input.target?.durationSeconds ?? null,
        accessKeyId: input.target?.accessKeyId ?? null,
        ip: input.meta.ip,
        userAgent: input.meta.userAgent,
        detailsJson: JSON.stringify(input.details ?? {}),
      },
    });
  } catch (error) {
    log.error("audit write failed", {
      requestId: input.meta.requestId,
      action: input.action,
      error,
    });
    throw new AppError(
      "audit_unavailable",
      "The audit log could not record this request, so nothing was issued. Try again shortly.",
      { internalReason: "audit write failed", cause: error },
    );
  }
}

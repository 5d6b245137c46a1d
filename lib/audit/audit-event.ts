import "server-only";
/**
 * What an audit event says: its action, outcome, actor, target and details (docs/INVARIANTS.md
 * invariant 2). write-audit-event.ts appends it to the hash chain.
 */
import type { RequestMeta } from "@/lib/request-meta";

/** Every action the audit log records (the audit page offers them as a filter). */
export const AUDIT_ACTIONS = [
  "auth.sign-in",
  "auth.sign-in-failed",
  "auth.sign-out",
  "auth.single-logout",
  "access.denied",
  "console.authorized",
  "console.issued",
  "console.failed",
  "credentials.authorized",
  "credentials.issued",
  "credentials.failed",
  "admin.saml-idp.created",
  "admin.saml-idp.updated",
  "broker.unlocked",
  "broker.unlock-failed",
  "broker.locked",
  "admin.account.created",
  "admin.account.updated",
  "admin.account.deleted",
  "admin.role.created",
  "admin.role.updated",
  "admin.role.deleted",
  "admin.role.checked",
  "admin.rule.created",
  "admin.rule.updated",
  "admin.rule.deleted",
  "admin.person.linked",
  "admin.person.unlinked",
  "admin.person.revoked",
  "admin.config.imported",
  "admin.denied",
  "audit.verified",
  "audit.exported",
  "audit.outage",
  "cli.device-approved",
  "cli.device-denied",
  "cli.token-issued",
  "cli.token-refused",
  "cli.token-revoked",
  "cli.whoami",
  "cli.roles-listed",
  "access-request.requested",
  "access-request.approval-recorded",
  "access-request.approved",
  "access-request.denied",
  "access-request.cancelled",
  "access-request.expired",
  "access-request.refused",
  "elevation.activated",
  "elevation.break-glass",
  "elevation.ended",
  "elevation.revoked",
  "admin.webhook.retried",
  "discovery.started",
  "discovery.completed",
  "discovery.failed",
  "discovery.applied",
] as const;

export type AuditAction = (typeof AUDIT_ACTIONS)[number];

export type AuditOutcome = "success" | "denied" | "error";

export interface AuditActor {
  userId: string | null;
  issuer: string | null;
  subject: string | null;
  email: string | null;
  groups: string[] | null;
}

/** The portal itself, for events no person caused (e.g. an audit outage's summary). */
export const SYSTEM_ACTOR: AuditActor = {
  userId: null,
  issuer: null,
  subject: null,
  email: null,
  groups: null,
};

/** Someone not signed in (a failed sign-in, a refused anonymous request): nothing is known. */
export const ANONYMOUS_ACTOR: AuditActor = SYSTEM_ACTOR;

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
  details?: Record<
    string,
    string | number | boolean | null | readonly string[] | Record<string, unknown>
  >;
  /** The event's time (tests); default: the moment the chain position is taken. */
  at?: Date;
}

import "server-only";
import type { Db } from "@/lib/db/client";

export interface AuditEventView {
  id: string;
  createdAt: Date;
  requestId: string;
  action: string;
  outcome: string;
  actorEmail: string | null;
  actorSubject: string | null;
  awsAccountId: string | null;
  roleArn: string | null;
  roleSessionName: string | null;
  durationSeconds: number | null;
  accessKeyId: string | null;
  ip: string | null;
  details: Record<string, unknown>;
}

/** The most recent audit events, newest first. Caller must be an admin or auditor. */
export async function findRecentAuditEvents(
  db: Db,
  opts: { limit: number },
): Promise<AuditEventView[]> {
  const rows = await db.auditEvent.findMany({
    orderBy: [{ createdAt: "desc" }, { id: "desc" }],
    take: Math.min(Math.max(opts.limit, 1), 500),
  });
  return rows.map((r) => ({
    id: r.id,
    createdAt: r.createdAt,
    requestId: r.requestId,
    action: r.action,
    outcome: r.outcome,
    actorEmail: r.actorEmail,
    actorSubject: r.actorSubject,
    awsAccountId: r.awsAccountId,
    roleArn: r.roleArn,
    roleSessionName: r.roleSessionName,
    durationSeconds: r.durationSeconds,
    accessKeyId: r.accessKeyId,
    ip: r.ip,
    details: parseDetails(r.detailsJson),
  }));
}

function parseDetails(json: string): Record<string, unknown> {
  try {
    const value: unknown = JSON.parse(json);
    return value && typeof value === "object" && !Array.isArray(value)
      ? (value as Record<string, unknown>)
      : {};
  } catch {
    return {};
  }
}

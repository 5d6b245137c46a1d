import "server-only";
import {
  writeAuditEvent,
  type AuditActor,
  type AuditEventInput,
  type AuditWriter,
} from "@/lib/audit/write-audit-event";
import type { RequestMeta } from "@/lib/request-meta";

/** What an update answers when the IdP it names was deleted meanwhile. */
export const SAML_IDP_NOT_FOUND = {
  ok: false,
  reason: "not_found",
  message: "This identity provider no longer exists.",
} as const;

/**
 * Audits an admin's change to one SAML IdP's settings as `admin.saml-idp.updated`: a refusal with
 * its `reason` and what was `requested`, a success with `before` and `after`.
 */
export function auditSamlIdpUpdate(
  tx: AuditWriter,
  outcome: "success" | "denied",
  actor: AuditActor,
  meta: RequestMeta,
  details: { idp: string } & NonNullable<AuditEventInput["details"]>,
): Promise<void> {
  return writeAuditEvent(tx, { action: "admin.saml-idp.updated", outcome, actor, meta, details });
}

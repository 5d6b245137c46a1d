import type { AuditActor } from "./write-audit-event";

/** The signed-in identity as an audit actor: who did it, as their IdP named them at sign-in. */
export function actorOf(user: {
  id: string;
  issuer: string;
  subject: string;
  email: string | null;
  groups: string[];
}): AuditActor {
  return {
    userId: user.id,
    issuer: user.issuer,
    subject: user.subject,
    email: user.email,
    groups: user.groups,
  };
}

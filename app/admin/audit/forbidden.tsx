import { ForbiddenNotice } from "@/components/forbidden-notice";

/** HTTP 403 for signed-in people who are neither auditors nor administrators. */
export default function AuditForbidden() {
  return (
    <ForbiddenNotice title="The audit log is for auditors">
      Only auditors and Gatehouse administrators can read or export the audit log. If your work
      needs it, ask your administrators to add you to the auditor group.
    </ForbiddenNotice>
  );
}

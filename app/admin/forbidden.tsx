import { ForbiddenNotice } from "@/components/forbidden-notice";

/** HTTP 403 for signed-in people who are not administrators, on every admin-only page. */
export default function AdminForbidden() {
  return (
    <ForbiddenNotice title="This page is for Gatehouse administrators">
      Accounts, roles, access rules, identity providers and the broker are managed by
      administrators. If you need access to an AWS account, ask one of them; your own roles are on
      your accounts page.
    </ForbiddenNotice>
  );
}

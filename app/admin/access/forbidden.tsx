import { ForbiddenNotice } from "@/components/forbidden-notice";

/** HTTP 403 for signed-in people who are neither auditors nor administrators. */
export default function AccessReviewForbidden() {
  return (
    <ForbiddenNotice title="Access review is for auditors">
      Only auditors and Gatehouse administrators can see who may reach which roles. Your own roles
      are on your accounts page; ask your administrators if you need more.
    </ForbiddenNotice>
  );
}

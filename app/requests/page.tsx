import type { Metadata } from "next";
import { EligibleRoles } from "@/components/access-requests/eligible-roles";
import {
  MyRequests,
  OverseenElevations,
  RequestsToDecide,
} from "@/components/access-requests/request-lists";
import { PageFrame } from "@/components/page-frame";
import { listRequestsFor } from "@/lib/access-requests/list-requests";
import { requestContextFor } from "@/lib/access-requests/request-context";
import { kickAccessRequestWorker } from "@/lib/access-requests/worker";
import { requirePageUser } from "@/lib/auth/current-user";

export const metadata: Metadata = { title: "Access requests" };

/**
 * Access requests (docs/ACCESS-REQUESTS.md): the roles this person may request, their requests,
 * and — for approvers — the requests waiting for them and the elevations they may end.
 */
export default async function RequestsPage() {
  const { user, meta } = await requirePageUser({ returnTo: "/requests" });
  const ctx = requestContextFor(user, meta);
  kickAccessRequestWorker();
  const lists = await listRequestsFor(ctx);
  const now = ctx.now.toISOString();
  return (
    <PageFrame user={user}>
      <div>
        <h1 className="text-2xl font-semibold">Access requests</h1>
        <p className="mt-1 text-sm text-slate-600">
          Some roles are not yours all the time: ask for them for a while, with a reason, and
          someone else approves. While the access lasts the role works like any other on your
          accounts page; no session outlasts it.
        </p>
      </div>
      {(lists.isApprover || lists.toDecide.length > 0) && (
        <section className="space-y-2" aria-labelledby="to-decide">
          <h2 id="to-decide" className="text-lg font-semibold">
            Requests to decide
          </h2>
          <RequestsToDecide requests={lists.toDecide} now={now} />
        </section>
      )}
      <section className="space-y-2" aria-labelledby="request-access">
        <h2 id="request-access" className="text-lg font-semibold">
          Request access
        </h2>
        <EligibleRoles roles={lists.eligible} requested={lists.requested} now={now} />
      </section>
      <section className="space-y-2" aria-labelledby="my-requests">
        <h2 id="my-requests" className="text-lg font-semibold">
          My requests
        </h2>
        <MyRequests requests={lists.mine} now={now} />
      </section>
      {(lists.isApprover || lists.overseen.length > 0) && (
        <section className="space-y-2" aria-labelledby="overseen">
          <h2 id="overseen" className="text-lg font-semibold">
            Access you approve for
          </h2>
          <OverseenElevations requests={lists.overseen} now={now} />
        </section>
      )}
    </PageFrame>
  );
}

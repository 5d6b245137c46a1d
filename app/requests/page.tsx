import type { Metadata } from "next";
import { EligibleRoles } from "@/components/access-requests/eligible-roles";
import {
  MyRequests,
  OverseenElevations,
  RequestsToDecide,
} from "@/components/access-requests/request-lists";
import { PageFrame } from "@/components/page-frame";
import { linkedRequestId, linkedRequestNote } from "@/lib/access-requests/linked-request";
import { listRequestsFor } from "@/lib/access-requests/list-requests";
import { requestContextFor } from "@/lib/access-requests/request-context";
import { kickAccessRequestWorker } from "@/lib/access-requests/worker";
import { requirePageUser } from "@/lib/auth/current-user";

export const metadata: Metadata = { title: "Access requests" };

type SearchParams = Promise<Record<string, string | string[] | undefined>>;

/**
 * Access requests (docs/ACCESS-REQUESTS.md): the roles this person may request, their requests,
 * and — for approvers — the requests waiting for them and the elevations they may end. A
 * notification links to one request (`?request=<id>`): signing in returns to it, and it is shown
 * first — or the page says where it stands if it no longer waits for this person.
 */
export default async function RequestsPage({ searchParams }: { searchParams: SearchParams }) {
  const linked = linkedRequestId((await searchParams).request);
  const { user, meta } = await requirePageUser({
    returnTo: linked ? `/requests?request=${linked}` : "/requests",
  });
  const ctx = requestContextFor(user, meta);
  kickAccessRequestWorker();
  const lists = await listRequestsFor(ctx);
  const linkedNote = linked ? await linkedRequestNote(ctx, linked, lists) : null;
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
      {linkedNote && (
        <p
          role="status"
          className="rounded-md border border-amber-300 bg-amber-50 p-3 text-sm text-amber-900"
          data-testid="linked-request-note"
        >
          {linkedNote}
        </p>
      )}
      {(lists.isApprover || lists.toDecide.length > 0) && (
        <section className="space-y-2" aria-labelledby="to-decide">
          <h2 id="to-decide" className="text-lg font-semibold">
            Requests to decide
          </h2>
          <RequestsToDecide requests={lists.toDecide} now={now} linked={linked} />
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

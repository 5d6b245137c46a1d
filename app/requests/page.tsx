import type { Metadata } from "next";
import { EligibleRoles } from "@/components/access-requests/eligible-roles";
import {
  MyRequests,
  OverseenElevations,
  RequestsToDecide,
} from "@/components/access-requests/request-lists";
import { PageFrame } from "@/components/page-frame";
import { QueueFilter } from "@/components/access-requests/queue-filter";
import { RequestPager } from "@/components/access-requests/request-pager";
import { linkedRequestId, linkedRequestNote } from "@/lib/access-requests/linked-request";
import { filterParams, parseListQuery } from "@/lib/access-requests/list-query";
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
 * first — or the page says where it stands if it no longer waits for this person. The queue and
 * the person's own requests are paged, and the queue filtered by requester or role
 * (docs/ACCESS-REQUESTS.md "Paging and filters"); a query it can't read is named above the
 * lists, which then show their first pages.
 */
export default async function RequestsPage({ searchParams }: { searchParams: SearchParams }) {
  const raw = await searchParams;
  const parsed = parseListQuery(raw, { ignoreUnknown: true });
  const linked = parsed.ok ? parsed.linked : linkedRequestId(raw.request);
  const { user, meta } = await requirePageUser({
    returnTo: linked ? `/requests?request=${linked}` : "/requests",
  });
  const query = parsed.ok ? parsed.query : {};
  const ctx = requestContextFor(user, meta);
  kickAccessRequestWorker();
  const lists = await listRequestsFor(ctx, query, linked);
  const linkedNote = linked ? await linkedRequestNote(ctx, linked, lists) : null;
  const now = ctx.now.toISOString();
  // Each pager's links keep the filters and the other list's place.
  const queueParams = filterParams(query);
  if (raw.mine && query.mine) queueParams.set("mine", String(raw.mine));
  const mineParams = filterParams(query);
  if (raw.queue && query.queue) mineParams.set("queue", String(raw.queue));
  const { toDecide: queuePage, mine: minePage } = lists.pages;
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
      {!parsed.ok && (
        <p
          role="alert"
          className="rounded-md border border-amber-300 bg-amber-50 p-3 text-sm text-amber-900"
          data-testid="query-issues"
        >
          This address is not one the page reads, so it shows the first pages:{" "}
          {parsed.issues.map((i) => `${i.path} ${i.message}`).join("; ")}.
        </p>
      )}
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
          <div className="flex flex-wrap items-baseline justify-between gap-2">
            <h2 id="to-decide" className="text-lg font-semibold">
              Requests to decide
            </h2>
            <p className="text-sm text-slate-600" data-testid="queue-count">
              {queueCountLine(
                queuePage.waiting,
                queuePage.total,
                Boolean(query.requester || query.role),
              )}
            </p>
          </div>
          {(queuePage.waiting > 0 || query.requester || query.role) && (
            <QueueFilter
              requester={query.requester ?? ""}
              role={query.role ?? ""}
              mine={query.mine ? String(raw.mine) : null}
            />
          )}
          <RequestsToDecide requests={lists.toDecide} now={now} linked={linked} />
          <RequestPager
            list="queue"
            label="Pages of requests to decide"
            page={queuePage}
            params={queueParams}
          />
        </section>
      )}
      <section className="space-y-2" aria-labelledby="request-access">
        <h2 id="request-access" className="text-lg font-semibold">
          Request access
        </h2>
        <EligibleRoles roles={lists.eligible} requested={lists.requested} now={now} />
      </section>
      <section className="space-y-2" aria-labelledby="my-requests">
        <div className="flex flex-wrap items-baseline justify-between gap-2">
          <h2 id="my-requests" className="text-lg font-semibold">
            My requests
          </h2>
          {minePage.total > 0 && (
            <p className="text-sm text-slate-600" data-testid="mine-count">
              {minePage.total} in all, newest first
            </p>
          )}
        </div>
        <MyRequests requests={lists.mine} now={now} />
        <RequestPager
          list="mine"
          label="Pages of my requests"
          page={minePage}
          params={mineParams}
        />
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

/** "12 waiting for you", and how many of them a filter matches. */
function queueCountLine(waiting: number, matching: number, filtered: boolean): string {
  const all = `${waiting} waiting for you`;
  return filtered ? `${matching} of ${all} match` : all;
}

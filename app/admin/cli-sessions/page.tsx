import type { Metadata } from "next";
import Link from "next/link";
import { CliSessionsPager } from "@/components/cli-sessions-pager";
import { CliSessionsTable } from "@/components/cli-sessions-table";
import { PageFrame } from "@/components/page-frame";
import { requirePrivilegedPage } from "@/lib/auth/privilege-guard";
import {
  ADMIN_CLI_SESSIONS_PAGE_SIZE,
  findLiveCliTokensForAdmin,
} from "@/lib/cli-auth/admin-cli-sessions";
import { cliSessionRowOf } from "@/lib/cli-auth/session-rows";
import { currentTime } from "@/lib/clock";
import { getDb } from "@/lib/db/client";

export const metadata: Metadata = { title: "CLI sessions" };
export const dynamic = "force-dynamic";

type SearchParams = Promise<Record<string, string | string[] | undefined>>;

/**
 * Every live CLI session of every person, for an admin to revoke (docs/API.md), a page at a time
 * and filtered by person: a lost laptop is found by its owner's email.
 */
export default async function AdminCliSessionsPage({
  searchParams,
}: {
  searchParams: SearchParams;
}) {
  const params = await searchParams;
  const person = typeof params.person === "string" ? params.person.trim().slice(0, 200) : "";
  const pageNumber =
    typeof params.page === "string" && /^[1-9]\d{0,4}$/.test(params.page) ? Number(params.page) : 1;
  const { user } = await requirePrivilegedPage(
    "admin",
    person ? `/admin/cli-sessions?person=${encodeURIComponent(person)}` : "/admin/cli-sessions",
  );
  const { sessions, total } = await findLiveCliTokensForAdmin(
    getDb(),
    { person, page: pageNumber },
    currentTime(),
  );
  const pageSize = ADMIN_CLI_SESSIONS_PAGE_SIZE;
  const first = (pageNumber - 1) * pageSize + 1;
  return (
    <PageFrame user={user} isWide>
      <div className="space-y-2">
        <h1 className="text-2xl font-semibold">CLI sessions</h1>
        <p className="text-sm text-slate-600">
          Every person&apos;s terminals signed in with{" "}
          <code className="font-mono">gatehouse login</code>, newest first. Revoking one refuses its
          next command.
        </p>
        <form method="get" className="flex max-w-xl gap-2" role="search">
          <label htmlFor="cli-sessions-person" className="sr-only">
            Filter by person
          </label>
          <input
            id="cli-sessions-person"
            name="person"
            defaultValue={person}
            placeholder="Person: email, name or exact subject"
            className="min-w-0 flex-1 rounded-md border border-slate-300 px-3 py-1.5 text-sm"
            data-testid="cli-sessions-person"
          />
          <button
            type="submit"
            className="rounded-md bg-indigo-600 px-3 py-1.5 text-sm font-medium text-white hover:bg-indigo-700"
          >
            Filter
          </button>
          {person && (
            <Link
              href="/admin/cli-sessions"
              className="rounded-md border border-slate-300 px-3 py-1.5 text-sm hover:bg-slate-100"
            >
              Clear
            </Link>
          )}
        </form>
        <p className="text-sm text-slate-600" role="status" data-testid="cli-sessions-summary">
          {summaryOf({ person, total, shown: sessions.length, first, pageSize })}
        </p>
      </div>
      {sessions.length > 0 && (
        <CliSessionsTable sessions={sessions.map((t) => cliSessionRowOf(t, { withOwner: true }))} />
      )}
      <CliSessionsPager
        person={person}
        page={pageNumber}
        pageSize={pageSize}
        shown={sessions.length}
        total={total}
      />
    </PageFrame>
  );
}

/** How many sessions match and which of them this page shows; when many, how to narrow them. */
function summaryOf(s: {
  person: string;
  total: number;
  shown: number;
  first: number;
  pageSize: number;
}): string {
  const whose = s.person ? ` of people matching “${s.person}”` : "";
  if (s.total === 0) return s.person ? `No live CLI session${whose}.` : "No terminal is signed in.";
  if (s.shown === 0) return `No sessions on this page: there are ${s.total}${whose}.`;
  const range =
    s.total <= s.shown
      ? `${s.total} live session${s.total === 1 ? "" : "s"}${whose}.`
      : `Showing ${s.first}–${s.first + s.shown - 1} of ${s.total} live sessions${whose}.`;
  return s.total > s.pageSize && !s.person ? `${range} Filter by person to find one.` : range;
}

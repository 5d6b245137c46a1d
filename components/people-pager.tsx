import Link from "next/link";
import { PEOPLE_PAGE_SIZE } from "@/lib/people/page-size";

/** Previous / next pages of Admin → People, keeping the search; nothing when all fit on one. */
export function PeoplePager(props: { q: string; page: number; more: boolean; shown: number }) {
  const { q, page, more, shown } = props;
  if (page === 1 && !more) return null;
  const href = (n: number) => {
    const params = new URLSearchParams(q ? { q } : {});
    if (n > 1) params.set("page", String(n));
    const query = params.toString();
    return query ? `/admin/people?${query}` : "/admin/people";
  };
  const first = (page - 1) * PEOPLE_PAGE_SIZE + 1;
  const link = "rounded-md border border-slate-300 bg-white px-3 py-1.5 hover:bg-slate-100";
  const off = "rounded-md border border-slate-200 px-3 py-1.5 text-slate-400";
  return (
    <nav className="flex items-center gap-2 text-sm text-slate-600" aria-label="Pages of people">
      {page > 1 ? (
        <Link href={href(page - 1)} className={link} data-testid="people-previous">
          ← Previous
        </Link>
      ) : (
        <span className={off}>← Previous</span>
      )}
      {more ? (
        <Link href={href(page + 1)} className={link} data-testid="people-next">
          Next →
        </Link>
      ) : (
        <span className={off}>Next →</span>
      )}
      <span data-testid="people-range">
        {shown > 0 ? `People ${first}–${first + shown - 1}` : "No more people on this page."}
      </span>
    </nav>
  );
}

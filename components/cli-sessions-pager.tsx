import Link from "next/link";

/**
 * Previous / next pages of Admin → CLI sessions, keeping the person filter, and which of how many
 * sessions this page shows; nothing when they all fit on one (as PeoplePager).
 */
export function CliSessionsPager(props: {
  person: string;
  page: number;
  pageSize: number;
  shown: number;
  total: number;
}) {
  const { person, page, pageSize, shown, total } = props;
  const first = (page - 1) * pageSize + 1;
  const more = first - 1 + shown < total;
  if (page === 1 && !more) return null;
  const href = (n: number) => {
    const params = new URLSearchParams(person ? { person } : {});
    if (n > 1) params.set("page", String(n));
    const query = params.toString();
    return query ? `/admin/cli-sessions?${query}` : "/admin/cli-sessions";
  };
  const link = "rounded-md border border-slate-300 bg-white px-3 py-1.5 hover:bg-slate-100";
  const off = "rounded-md border border-slate-200 px-3 py-1.5 text-slate-400";
  return (
    <nav
      className="flex items-center gap-2 text-sm text-slate-600"
      aria-label="Pages of CLI sessions"
    >
      {page > 1 ? (
        <Link href={href(page - 1)} className={link} data-testid="cli-sessions-previous">
          ← Previous
        </Link>
      ) : (
        <span className={off}>← Previous</span>
      )}
      {more ? (
        <Link href={href(page + 1)} className={link} data-testid="cli-sessions-next">
          Next →
        </Link>
      ) : (
        <span className={off}>Next →</span>
      )}
      <span data-testid="cli-sessions-range">
        {shown > 0 ? `Sessions ${first}–${first + shown - 1} of ${total}` : "No more sessions."}
      </span>
    </nav>
  );
}

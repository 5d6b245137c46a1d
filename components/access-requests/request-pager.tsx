import Link from "next/link";
import type { ListPage } from "@/lib/access-requests/paged-lists";

/**
 * First / previous / next links of one list on /requests. Each keeps the page's other parameters
 * (the queue's filters, the other list's place) and carries a keyset cursor, never a page number.
 * Nothing when the whole list fits on one page.
 */
export function RequestPager(props: {
  list: "queue" | "mine";
  label: string;
  page: ListPage;
  /** The page's other parameters, without this list's cursor. */
  params: URLSearchParams;
}) {
  const { list, label, page, params } = props;
  if (!page.next && !page.previous) return null;
  const href = (cursor?: string) => {
    const query = new URLSearchParams(params);
    if (cursor) query.set(list, cursor);
    const text = query.toString();
    return `/requests${text ? `?${text}` : ""}#${list === "queue" ? "to-decide" : "my-requests"}`;
  };
  const link = "rounded-md border border-slate-300 bg-white px-3 py-1.5 hover:bg-slate-100";
  const off = "rounded-md border border-slate-200 px-3 py-1.5 text-slate-500";
  return (
    <nav className="flex items-center justify-end gap-2 text-sm" aria-label={label}>
      {page.previous ? (
        <>
          <Link href={href()} className={link} data-testid={`${list}-first`}>
            First
          </Link>
          <Link href={href(page.previous)} className={link} data-testid={`${list}-previous`}>
            ← Previous
          </Link>
        </>
      ) : (
        <span role="link" aria-disabled="true" className={off}>
          ← Previous
        </span>
      )}
      {page.next ? (
        <Link href={href(page.next)} className={link} data-testid={`${list}-next`}>
          Next →
        </Link>
      ) : (
        <span role="link" aria-disabled="true" className={off}>
          Next →
        </span>
      )}
    </nav>
  );
}

import { PageLinks } from "./page-links";
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
  return (
    <PageLinks
      label="Pages of people"
      testId="people"
      previousHref={page > 1 ? href(page - 1) : null}
      nextHref={more ? href(page + 1) : null}
      range={shown > 0 ? `People ${first}–${first + shown - 1}` : "No more people on this page."}
    />
  );
}

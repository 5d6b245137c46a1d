import { PageLinks } from "./page-links";

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
  return (
    <PageLinks
      label="Pages of CLI sessions"
      testId="cli-sessions"
      previousHref={page > 1 ? href(page - 1) : null}
      nextHref={more ? href(page + 1) : null}
      range={shown > 0 ? `Sessions ${first}–${first + shown - 1} of ${total}` : "No more sessions."}
    />
  );
}

import Link from "next/link";

/** Newest / newer / older links: each carries the filters and a keyset cursor, never a page number. */
export function AuditPager({
  filters,
  newer,
  older,
}: {
  filters: URLSearchParams;
  newer: string | null;
  older: string | null;
}) {
  const href = (cursor?: [string, string]) => {
    const params = new URLSearchParams(filters);
    if (cursor) params.set(cursor[0], cursor[1]);
    const query = params.toString();
    return query ? `/admin/audit?${query}` : "/admin/audit";
  };
  const link = "rounded-md border border-slate-300 bg-white px-3 py-1.5 hover:bg-slate-100";
  const off = "rounded-md border border-slate-200 px-3 py-1.5 text-slate-500";
  return (
    <nav className="flex items-center justify-end gap-2 text-sm" aria-label="Audit log pages">
      {newer ? (
        <>
          <Link href={href()} className={link} data-testid="audit-newest">
            Newest
          </Link>
          <Link href={href(["after", newer])} className={link} data-testid="audit-newer">
            ← Newer
          </Link>
        </>
      ) : (
        <span role="link" aria-disabled="true" className={off}>
          ← Newer
        </span>
      )}
      {older ? (
        <Link href={href(["before", older])} className={link} data-testid="audit-older">
          Older →
        </Link>
      ) : (
        <span role="link" aria-disabled="true" className={off}>
          Older →
        </span>
      )}
    </nav>
  );
}

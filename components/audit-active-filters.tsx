import type { AUDIT_TEXT_FILTERS } from "@/lib/audit/audit-query";

type FilterName = "from" | "to" | (typeof AUDIT_TEXT_FILTERS)[number];

/** Each filter's short name on its chip, in the form's order (a new filter must be named here). */
const CHIP_NAMES: Record<FilterName, string> = {
  from: "From",
  to: "To",
  user: "User",
  account: "Account",
  role: "Role",
  action: "Action",
  outcome: "Outcome",
  accessKeyId: "Access key",
  sessionName: "Session",
  sourceIdentity: "Source identity",
  requestId: "Request id",
  accessRequestId: "Access request",
  cliTokenId: "CLI token",
};

/** The filters the URL sets (as typed, refused ones too), in the form's order. */
export function activeFilters(values: Record<string, string>): Array<[FilterName, string]> {
  return (Object.keys(CHIP_NAMES) as FilterName[])
    .filter((name) => (values[name] ?? "").trim() !== "")
    .map((name) => [name, values[name]!]);
}

/**
 * The active filters as links, each to this URL without that filter: readable and removable while
 * the form is folded away on a phone, and plain links, so they work without JavaScript. A removal
 * starts again at the newest event, as Apply filters does: a page cursor belongs to the listing it
 * was read from.
 */
export function AuditActiveFilters({ values }: { values: Record<string, string> }) {
  const active = activeFilters(values);
  if (active.length === 0) return null;
  const without = (names: readonly string[]) => {
    const params = new URLSearchParams(values);
    for (const name of [...names, "before", "after"]) params.delete(name);
    const query = params.toString();
    return query ? `/admin/audit?${query}` : "/admin/audit";
  };
  return (
    <ul className="flex flex-wrap items-center gap-2 text-sm" data-testid="audit-active-filters">
      {active.map(([name, value]) => (
        <li key={name} className="max-w-full">
          <a
            href={without([name])}
            data-testid={`audit-active-filter-${name}`}
            className="inline-flex max-w-full items-baseline gap-1.5 rounded-full border border-indigo-200 bg-indigo-50 px-3 py-1 text-indigo-900 hover:bg-indigo-100"
          >
            <span className="min-w-0 wrap-anywhere">
              <span className="sr-only">Remove filter </span>
              {CHIP_NAMES[name]}: <span className="font-mono text-xs">{value}</span>
            </span>
            <span aria-hidden className="text-indigo-700">
              ×
            </span>
          </a>
        </li>
      ))}
      {active.length > 1 && (
        <li>
          <a
            href={without(active.map(([name]) => name))}
            className="px-1 text-slate-600 underline hover:text-slate-900"
          >
            Remove all filters
          </a>
        </li>
      )}
    </ul>
  );
}

import { AUDIT_TEXT_FILTERS } from "@/lib/audit/audit-query";
import { activeFilters, AuditActiveFilters } from "./audit-active-filters";
import { AuditFilterForm } from "./audit-filter-form";

const FIELD =
  "mt-1 block w-full rounded-md border border-slate-300 bg-white px-2 py-1.5 text-sm font-normal text-slate-900";

/** Where the filters are shown whatever the disclosure's state (Tailwind's `sm`, 40rem). */
const WIDE_OPEN = "sm:details-content:[content-visibility:visible]";
const WIDE_HIDDEN = "supports-[selector(::details-content)]:sm:hidden";

/**
 * The audit log's filters as a plain GET form: the URL is the query, so a filtered view can be
 * bookmarked and shared. Shows what was typed, with each problem next to its field.
 *
 * Thirteen fields are a screen and a half on a phone, above the first event: there the form is
 * folded into a disclosure ("Filters · 2 active", a native <details>, so no script is needed to
 * open it), and the active filters show below it as links that remove them. From the `sm` width
 * up the form is always shown (the disclosure's content is made visible and its summary hidden;
 * a browser without `::details-content` keeps the summary to open it). The server opens it when
 * a value was refused (its field then takes focus) or when no event matches, the two times the
 * form is what the reader needs next.
 */
export function AuditFilters({
  values,
  actions,
  issues,
  nothingMatched,
}: {
  values: Record<string, string>;
  actions: readonly string[];
  issues: Array<{ path: string; message: string }>;
  nothingMatched: boolean;
}) {
  const active = activeFilters(values).length;
  const problem = (name: string) => issues.find((i) => i.path === name)?.message;
  // The label names the filter; its problem, if any, describes the control (not part of its name).
  const control = (name: string) => ({
    id: `audit-filter-${name}`,
    name,
    "aria-invalid": problem(name) ? true : undefined,
    "aria-describedby": problem(name) ? `audit-filter-${name}-error` : undefined,
    className: FIELD,
  });
  const label = (name: string, text: string) => (
    <label htmlFor={`audit-filter-${name}`} className="block">
      {text}
    </label>
  );
  const error = (name: string) =>
    problem(name) && (
      <span
        id={`audit-filter-${name}-error`}
        className="mt-1 block text-red-700"
        data-testid={`audit-filter-error-${name}`}
      >
        {problem(name)}
      </span>
    );
  const text = (name: string, caption: string, placeholder: string, wide = false) => (
    <div className={`text-xs font-medium text-slate-600 ${wide ? "sm:col-span-2" : ""}`}>
      {label(name, caption)}
      <input {...control(name)} defaultValue={values[name] ?? ""} placeholder={placeholder} />
      {error(name)}
    </div>
  );
  const other = issues.filter((i) => !["from", "to", ...AUDIT_TEXT_FILTERS].includes(i.path));
  const hasFieldErrors = issues.length > other.length;
  return (
    <div className="space-y-3">
      <details
        open={issues.length > 0 || nothingMatched}
        className={`rounded-xl border border-slate-200 bg-white shadow-sm ${WIDE_OPEN}`}
        data-testid="audit-filter-panel"
      >
        <summary
          className={`cursor-pointer rounded-xl px-4 py-3 text-sm font-medium text-slate-800 ${WIDE_HIDDEN}`}
        >
          Filters{active > 0 ? ` · ${active} active` : ""}
        </summary>
        <AuditFilterForm
          hasFieldErrors={hasFieldErrors}
          className="grid gap-3 px-4 pb-4 sm:grid-cols-4 sm:pt-4"
        >
          {text("from", "From (UTC)", "2026-11-26 or 2026-11-26T14:05")}
          {text("to", "To (UTC, exclusive; a date includes the day)", "2026-11-27")}
          {text("user", "User (email or user id)", "alice@example.com")}
          {text("account", "AWS account id", "123456789012")}
          {text("role", "Role (ARN, or name of a current role)", "ReadOnly", true)}
          <div className="text-xs font-medium text-slate-600">
            {label("action", "Action")}
            <select {...control("action")} defaultValue={values.action ?? ""}>
              <option value="">Any action</option>
              {values.action && !actions.includes(values.action) && (
                <option value={values.action}>{values.action}</option>
              )}
              {actions.map((a) => (
                <option key={a} value={a}>
                  {a}
                </option>
              ))}
            </select>
            {error("action")}
          </div>
          <div className="text-xs font-medium text-slate-600">
            {label("outcome", "Outcome")}
            <select {...control("outcome")} defaultValue={values.outcome ?? ""}>
              <option value="">Any outcome</option>
              <option value="success">success</option>
              <option value="denied">denied</option>
              <option value="error">error</option>
            </select>
            {error("outcome")}
          </div>
          {text("accessKeyId", "Access key id (from CloudTrail)", "ASIAIOSFODNN7EXAMPLE")}
          {text("sessionName", "Role session name", "alice@example.com")}
          {text("sourceIdentity", "Source identity", "a portal user id")}
          {text("requestId", "Request id (from an error or refusal page)", "3f0c9a2e-…")}
          {text("accessRequestId", "Access request id", "an access request's id")}
          {text("cliTokenId", "CLI token id (Admin → CLI sessions)", "a CLI sign-in's token id")}
          {other.length > 0 && (
            <ul className="text-sm text-red-700 sm:col-span-4" data-testid="audit-filter-errors">
              {other.map((i) => (
                <li key={`${i.path}:${i.message}`}>
                  {i.path}: {i.message}
                </li>
              ))}
            </ul>
          )}
          <div className="flex items-end gap-2 sm:col-span-4">
            <button
              type="submit"
              className="rounded-md bg-indigo-600 px-4 py-2 text-sm font-medium text-white hover:bg-indigo-500"
            >
              Apply filters
            </button>
            <a
              href="/admin/audit"
              className="px-3 py-2 text-sm text-slate-600 hover:text-slate-900"
            >
              Clear
            </a>
          </div>
        </AuditFilterForm>
      </details>
      <AuditActiveFilters values={values} />
    </div>
  );
}

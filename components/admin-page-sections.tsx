import Link from "next/link";
import type { ReactNode } from "react";
import { ArnText } from "./arn-text";

/**
 * A card listing what belongs to the page's record (roles, rules), with a button to add one. A
 * table too wide for a phone scrolls sideways inside the card, never the page.
 */
export function AdminListSection({
  title,
  addHref,
  addLabel,
  children,
}: {
  title: string;
  addHref: string;
  addLabel: string;
  children: ReactNode;
}) {
  return (
    <section className="overflow-hidden rounded-xl border border-slate-200 bg-white shadow-sm">
      <div className="flex items-center justify-between gap-3 border-b border-slate-100 px-4 py-3">
        <h2 className="text-lg font-semibold">{title}</h2>
        <Link
          href={addHref}
          className="rounded-md bg-indigo-600 px-3 py-1.5 text-sm font-medium text-white hover:bg-indigo-500"
        >
          {addLabel}
        </Link>
      </div>
      <div className="relative overflow-x-auto">{children}</div>
    </section>
  );
}

/**
 * The red card at the foot of an edit page: what a delete takes along, then either a link to the
 * review page (accounts and roles take more with them) or the delete form itself (a rule).
 */
export function AdminDeleteSection({
  title,
  summary,
  reviewHref,
  children,
}: {
  title: string;
  summary: string;
  reviewHref?: string;
  children?: ReactNode;
}) {
  return (
    <section className="rounded-xl border border-red-200 bg-white p-6 shadow-sm">
      <h2 className="text-lg font-semibold text-red-800">{title}</h2>
      <p className="mt-1 text-sm text-slate-600">{summary}</p>
      {reviewHref && (
        <Link
          href={reviewHref}
          className="mt-3 inline-block rounded-md border border-red-300 px-3 py-1.5 text-sm font-medium text-red-700 hover:bg-red-50"
        >
          Review and delete…
        </Link>
      )}
      {children && <div className="mt-3">{children}</div>}
    </section>
  );
}

/** The delete review page's card: the question, what goes with it, then the list and the form. */
export function AdminDeleteReview({
  title,
  arn,
  summary,
  children,
}: {
  title: string;
  arn?: string;
  summary: string;
  children: ReactNode;
}) {
  return (
    <section
      className="space-y-4 rounded-xl border border-red-200 bg-white p-6 shadow-sm"
      data-testid="delete-review"
    >
      <h1 className="text-xl font-semibold text-red-800">{title}</h1>
      {arn && (
        <p className="font-mono text-xs text-slate-500">
          <ArnText arn={arn} />
        </p>
      )}
      <p className="text-sm text-slate-700">{summary} Nothing changes in AWS itself.</p>
      {children}
    </section>
  );
}

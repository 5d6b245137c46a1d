import Link from "next/link";

/**
 * Previous / next links of a paged admin list and which rows this page shows; a link that leads
 * nowhere is shown greyed. `testId` prefixes the parts' test ids (`<testId>-previous`, `-next`,
 * `-range`).
 */
export function PageLinks(props: {
  label: string;
  testId: string;
  previousHref: string | null;
  nextHref: string | null;
  range: string;
}) {
  const link = "rounded-md border border-slate-300 bg-white px-3 py-1.5 hover:bg-slate-100";
  const off = "rounded-md border border-slate-200 px-3 py-1.5 text-slate-500";
  return (
    <nav className="flex items-center gap-2 text-sm text-slate-600" aria-label={props.label}>
      {props.previousHref ? (
        <Link href={props.previousHref} className={link} data-testid={`${props.testId}-previous`}>
          ← Previous
        </Link>
      ) : (
        <span role="link" aria-disabled="true" className={off}>
          ← Previous
        </span>
      )}
      {props.nextHref ? (
        <Link href={props.nextHref} className={link} data-testid={`${props.testId}-next`}>
          Next →
        </Link>
      ) : (
        <span role="link" aria-disabled="true" className={off}>
          Next →
        </span>
      )}
      <span data-testid={`${props.testId}-range`}>{props.range}</span>
    </nav>
  );
}

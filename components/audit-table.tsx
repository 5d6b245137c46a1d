import { Fragment } from "react";
import type { AuditEventView } from "@/lib/audit/find-audit-events";
import { formatDuration } from "./format-duration";

const OUTCOME_STYLE: Record<string, string> = {
  success: "text-emerald-700",
  denied: "text-amber-700",
  error: "text-red-700",
};

/**
 * Fixed column widths, so a long value (an ARN, a JSON diff) wraps or folds inside its own column
 * instead of widening the table: at 1280 px every column fits, and Details takes what is left.
 * From `md` (768 px) up to that the table keeps its minimum width and its frame scrolls sideways,
 * not the page, with the columns a responder reads first (time to account / role) on screen.
 */
const COLUMNS = [
  { label: "#", width: "w-12" },
  { label: "Time (UTC)", width: "w-22" },
  { label: "Action", width: "w-36" },
  { label: "Outcome", width: "w-20" },
  { label: "Who", width: "w-40" },
  { label: "Account / role", width: "w-52" },
  { label: "Session", width: "w-32" },
  { label: "Access key", width: "w-28" },
  { label: "Details", width: "" },
] as const;

/**
 * Below `md` each row is a card instead (the same markup, laid out as a grid): time and # on top,
 * then action and outcome, who, account / role, and the rest, so nothing scrolls sideways on a
 * phone. A table whose display is changed may lose its table semantics in some browsers, so the
 * roles are explicit, and the header row stays for assistive technology (visually hidden).
 */
const CELL = "md:table-cell md:px-2 md:py-2";
const ROW =
  "grid grid-cols-[minmax(0,1fr)_auto] gap-x-3 gap-y-1 px-3 py-3 align-top md:table-row md:p-0";
/** A cell only a card hides when it holds nothing. */
const hideEmptyInCard = (value: unknown) => (value ? "" : "max-md:hidden");

export function AuditTable({ events }: { events: AuditEventView[] }) {
  return (
    <div className="relative overflow-x-auto rounded-xl border border-slate-200 bg-white shadow-sm">
      <table
        role="table"
        className="block w-full text-left text-sm md:table md:min-w-[76rem] md:table-fixed"
        data-testid="audit-table"
      >
        <colgroup>
          {COLUMNS.map((c) => (
            <col key={c.label} className={c.width} />
          ))}
        </colgroup>
        <thead
          role="rowgroup"
          className="sr-only bg-slate-50 text-xs tracking-wide text-slate-500 uppercase md:not-sr-only md:table-header-group"
        >
          <tr role="row">
            {COLUMNS.map((c) => (
              <th key={c.label} role="columnheader" scope="col" className="px-2 py-2 font-medium">
                {c.label}
              </th>
            ))}
          </tr>
        </thead>
        <tbody role="rowgroup" className="block divide-y divide-slate-100 md:table-row-group">
          {events.map((e) => (
            <tr
              key={e.id}
              role="row"
              className={ROW}
              data-testid="audit-row"
              data-action={e.action}
              data-id={e.id}
              data-sequence={e.sequence ?? ""}
            >
              <td
                role="cell"
                className={`${CELL} font-mono text-xs break-all text-slate-500 max-md:col-start-2 max-md:row-start-1 max-md:text-right`}
              >
                <span aria-hidden className="md:hidden">
                  #
                </span>
                {e.sequence ?? "—"}
              </td>
              <td
                role="cell"
                className={`${CELL} font-mono text-xs max-md:col-start-1 max-md:row-start-1`}
              >
                {/* Date above time (beside it on a card); the text still reads "2026-11-26
                    14:05:09". The instant to the millisecond, with its zone, is the element's
                    datetime and tooltip. */}
                <time dateTime={e.createdAt.toISOString()} title={e.createdAt.toISOString()}>
                  <span className="md:block">{e.createdAt.toISOString().slice(0, 10)}</span>{" "}
                  <span className="text-slate-500 md:block">
                    {e.createdAt.toISOString().slice(11, 19)}
                  </span>
                </time>
              </td>
              <td
                role="cell"
                className={`${CELL} text-xs wrap-anywhere max-md:col-start-1 max-md:row-start-2 max-md:text-sm max-md:font-medium`}
              >
                <BreakAfterSeparators text={e.action} />
              </td>
              <td
                role="cell"
                className={`${CELL} ${OUTCOME_STYLE[e.outcome] ?? ""} max-md:col-start-2 max-md:row-start-2 max-md:text-right`}
              >
                {e.outcome}
              </td>
              <td role="cell" className={`${CELL} wrap-anywhere max-md:col-span-2`}>
                {e.actorEmail ?? e.actorSubject ?? "—"}
              </td>
              <td
                role="cell"
                className={`${CELL} font-mono text-xs wrap-anywhere max-md:col-span-2 ${hideEmptyInCard(e.roleArn ?? e.awsAccountId)}`}
              >
                <BreakAfterSeparators text={e.roleArn ?? e.awsAccountId ?? "—"} />
              </td>
              <td
                role="cell"
                className={`${CELL} font-mono text-xs wrap-anywhere max-md:col-span-2 ${hideEmptyInCard(e.roleSessionName)}`}
              >
                <CardLabel>Session</CardLabel>
                <BreakAfterSeparators text={e.roleSessionName ?? "—"} />
                {e.durationSeconds ? ` (${formatDuration(e.durationSeconds)})` : ""}
              </td>
              <td
                role="cell"
                className={`${CELL} font-mono text-xs break-all max-md:col-span-2 ${hideEmptyInCard(e.accessKeyId)}`}
              >
                <CardLabel>Access key</CardLabel>
                {e.accessKeyId ?? "—"}
              </td>
              <td role="cell" className={`${CELL} text-xs text-slate-600 max-md:col-span-2`}>
                <AuditDetails event={e} />
              </td>
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}

/** A card's caption for a value that doesn't say what it is (the column header says it in a table). */
function CardLabel({ children }: { children: string }) {
  return (
    <span aria-hidden className="mr-1 font-sans text-slate-500 md:hidden">
      {children}
    </span>
  );
}

/** About what two lines of the Details column hold at 1280 px: longer details fold. */
const FITS_IN_TWO_LINES = 80;

/**
 * The event's details, long ones folded to two lines (hover shows them whole, a click unfolds
 * them), then the request id, IP and user agent on one line, folded the same way (a browser's
 * user agent is a hundred characters or more: shown whole, it would make every row tall). All of
 * it stays in the row's text, folded or not, for search, copy and assistive technology.
 */
function AuditDetails({ event }: { event: AuditEventView }) {
  const details = Object.entries(event.details)
    .map(([k, v]) => `${k}: ${formatDetail(v)}`)
    .join(" · ");
  const request = [`req ${event.requestId}`, event.ip, event.userAgent].filter(Boolean).join(" · ");
  return (
    <>
      {details.length <= FITS_IN_TWO_LINES ? (
        <p className="wrap-anywhere">{details}</p>
      ) : (
        <Folded text={details} lines="line-clamp-2" />
      )}
      <div className="text-slate-500" data-testid="audit-request">
        <Folded text={request} lines="truncate" />
      </div>
    </>
  );
}

/** Text folded to `lines` (hover shows it whole, a click on it unfolds it, "less" folds it again). */
function Folded({ text, lines }: { text: string; lines: "line-clamp-2" | "truncate" }) {
  const fold =
    lines === "truncate"
      ? "block truncate group-open:overflow-visible group-open:whitespace-normal"
      : "line-clamp-2 group-open:line-clamp-none";
  return (
    <details className="group">
      <summary className="cursor-pointer list-none [&::-webkit-details-marker]:hidden">
        <span className={`${fold} wrap-anywhere`} title={text}>
          {text}
        </span>
        {lines === "line-clamp-2" && (
          <>
            <span aria-hidden className="text-indigo-700 group-open:hidden">
              more
            </span>
            <span aria-hidden className="hidden text-indigo-700 group-open:inline">
              less
            </span>
          </>
        )}
      </summary>
    </details>
  );
}

/**
 * Text that may wrap after a dot, colon, slash or @ (an action after its dots, an ARN after its
 * colons and slashes, a session name after its @) before it wraps anywhere else.
 */
function BreakAfterSeparators({ text }: { text: string }) {
  return text.split(/(?<=[.:/@])/).map((part, i) => (
    <Fragment key={i}>
      {i > 0 && <wbr />}
      {part}
    </Fragment>
  ));
}

function formatDetail(value: unknown): string {
  if (typeof value === "string") return value;
  return JSON.stringify(value) ?? "—";
}

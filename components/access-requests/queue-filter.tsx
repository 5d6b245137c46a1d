/**
 * The queue's filters: one requester (an email of theirs) and one role (its name or ARN). A plain
 * GET form, so the page is rendered on the server and the filtered queue's address can be shared.
 */
export function QueueFilter(props: { requester: string; role: string; mine: string | null }) {
  // From a 12rem basis each box holds its whole hint: on a phone the email takes a row of its own
  // and the role shares the next with Filter, rather than both squeezed and cut off.
  const input = "min-w-0 flex-1 basis-48 rounded-md border border-slate-300 px-3 py-1.5 text-sm";
  return (
    <form
      method="get"
      action="/requests#to-decide"
      role="search"
      aria-label="Filter requests to decide"
      className="flex flex-wrap items-center gap-2"
    >
      {/* The other list keeps its place; the queue starts again from its first page. */}
      {props.mine && <input type="hidden" name="mine" value={props.mine} />}
      <label htmlFor="queue-requester" className="sr-only">
        Requester email
      </label>
      <input
        id="queue-requester"
        name="requester"
        type="email"
        defaultValue={props.requester}
        placeholder="Requester email"
        maxLength={320}
        className={input}
        data-testid="queue-requester"
      />
      <label htmlFor="queue-role" className="sr-only">
        Role name or ARN
      </label>
      <input
        id="queue-role"
        name="role"
        defaultValue={props.role}
        placeholder="Role name or ARN"
        maxLength={2048}
        className={input}
        data-testid="queue-role"
      />
      <button
        type="submit"
        className="rounded-md bg-indigo-600 px-3 py-1.5 text-sm font-medium text-white hover:bg-indigo-700"
        data-testid="queue-filter"
      >
        Filter
      </button>
      {(props.requester || props.role) && (
        <a
          href={props.mine ? `/requests?mine=${props.mine}#to-decide` : "/requests#to-decide"}
          className="text-sm text-indigo-700 underline"
          data-testid="queue-filter-clear"
        >
          Show all
        </a>
      )}
    </form>
  );
}

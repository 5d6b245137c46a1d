import type { RequestCounts } from "@/lib/access-requests/deleted-with-role";
import { requestsDeletionSummary } from "./admin-wording";

/**
 * The amber note on a delete review naming the access requests that go with the role or account:
 * nothing else on the page shows them, and the people waiting on them or using them lose that.
 */
export function RequestsDeletedNote({ counts }: { counts: RequestCounts }) {
  const summary = requestsDeletionSummary(counts);
  if (summary === null) return null;
  return (
    <p
      role="note"
      className="rounded-md border border-amber-200 bg-amber-50 p-3 text-sm text-amber-900"
      data-testid="delete-takes-requests"
    >
      {summary}
    </p>
  );
}

import type { SearchReading } from "@/lib/access/role-search";

const plural = (n: number, one: string, many: string) => `${n} ${n === 1 ? one : many}`;

/** How a search that found roles read the query, when not as typed (role-search.ts SearchReading). */
const READING_SAID: Record<SearchReading, string> = {
  "as-typed": "",
  "arns-in-text": ": the roles the ARNs in your text name (its other words are set aside)",
  "close-spellings": ": nothing matches as typed, so these are close spellings",
};

/**
 * The page's title and its counts: accounts, roles and, while searching, the matches (also said to
 * screen readers as they change).
 */
export function AccountsHeading({
  accountCount,
  roleCount,
  matchCount,
  readAs,
  query,
}: {
  accountCount: number;
  roleCount: number;
  /** Null when not searching. */
  matchCount: number | null;
  readAs: SearchReading;
  query: string;
}) {
  return (
    <div>
      <h1 className="text-2xl font-semibold">Your AWS accounts</h1>
      <p className="mt-1 text-sm text-slate-600" data-testid="counts" data-query={query}>
        {plural(accountCount, "account", "accounts")}, {plural(roleCount, "role", "roles")}
        {matchCount !== null && (
          <span>
            {" "}
            · {plural(matchCount, "match", "matches")}
            {readAs !== "as-typed" && (
              <span data-testid="search-reading">{READING_SAID[readAs]}</span>
            )}
          </span>
        )}
      </p>
      <p className="sr-only" aria-live="polite">
        {matchCount !== null ? `${matchCount} matching roles${READING_SAID[readAs]}` : ""}
      </p>
    </div>
  );
}

/** What a search that found nothing says, with what a pasted ARN names when it is one. */
export function NoMatch({ query, arnNote }: { query: string; arnNote: string | null }) {
  return (
    <div className="mt-8 text-center text-slate-500" data-testid="no-match">
      <p>No account or role matches “{query}”.</p>
      {arnNote !== null && (
        <p className="mt-2 text-sm" data-testid="arn-note">
          {arnNote}
        </p>
      )}
    </div>
  );
}

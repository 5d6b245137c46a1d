import "server-only";
import type { Db } from "@/lib/db/client";
import { bind, boundSql, type Bound } from "@/lib/db/bound-sql";
import { identityMatches } from "@/lib/people/identity-match";
import { cliTokenViewOf, type CliTokenView } from "./cli-tokens";

/** How many CLI sessions Admin → CLI sessions lists on one page. */
export const ADMIN_CLI_SESSIONS_PAGE_SIZE = 100;

export interface AdminCliSessionsPage {
  sessions: CliTokenView[];
  /** Every live session the filter matches, on all pages. */
  total: number;
}

/**
 * Live (unrevoked, unexpired) CLI sessions for an admin, newest first, `page` (from 1) of
 * ADMIN_CLI_SESSIONS_PAGE_SIZE; with `person`, only those of the people with an identity matching
 * it as Admin → People's search does (every identity of such a person: a laptop signed in through
 * another IdP is theirs too).
 */
export async function findLiveCliTokensForAdmin(
  db: Pick<Db, "$queryRaw" | "cliToken">,
  filter: { person: string; page: number },
  now: Date,
): Promise<AdminCliSessionsPage> {
  const person = filter.person.trim().slice(0, 200);
  const page = Math.max(1, Math.min(Math.trunc(filter.page) || 1, 100_000));
  const matching: Array<string | Bound> = [
    ' FROM "CliToken" t JOIN "User" u ON u."id" = t."userId"',
    ' WHERE t."revokedAt" IS NULL AND t."expiresAt" > ',
    bind(now),
    ...(person
      ? [
          ' AND u."personId" IN (SELECT "personId" FROM "User" WHERE ',
          ...identityMatches(person),
          ")",
        ]
      : []),
  ];
  const [counted] = await db.$queryRaw<Array<{ n: number | bigint }>>(
    ...boundSql(['SELECT count(*) AS "n"', ...matching]),
  );
  const ids = await db.$queryRaw<Array<{ id: string }>>(
    ...boundSql([
      'SELECT t."id"',
      ...matching,
      ' ORDER BY t."createdAt" DESC, t."id" ASC LIMIT ',
      bind(ADMIN_CLI_SESSIONS_PAGE_SIZE),
      " OFFSET ",
      bind((page - 1) * ADMIN_CLI_SESSIONS_PAGE_SIZE),
    ]),
  );
  const rows = await db.cliToken.findMany({
    where: { id: { in: ids.map((r) => r.id) } },
    include: { user: true },
  });
  const byId = new Map(rows.map((r) => [r.id, r]));
  return {
    total: Number(counted?.n ?? 0),
    sessions: ids.flatMap(({ id }) => {
      const row = byId.get(id);
      return row ? [cliTokenViewOf(row)] : [];
    }),
  };
}

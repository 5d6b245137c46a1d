import { noParams } from "@/lib/http/schemas";
import { NextResponse } from "next/server";
import { findAccountViews } from "@/lib/access/account-views";
import { filterAccountViews } from "@/lib/access/filter-account-views";
import { actorOf } from "@/lib/audit/actor";
import { writeAuditEvent } from "@/lib/audit/write-audit-event";
import { currentTime } from "@/lib/clock";
import { getConfig } from "@/lib/config";
import { getDb } from "@/lib/db/client";
import { zodValidationError } from "@/lib/validation-error";
import { withCliToken } from "@/lib/http/bearer-api";
import { otherMethods } from "@/lib/http/fallback-handlers";
import { singleValuedQuery } from "@/lib/query-params";
import { v1RolesQuery } from "@/lib/http/v1-schemas";
import { isBrokerRoleChained } from "@/lib/issuance/broker-chaining";

/**
 * GET: the roles the caller may use, grouped by account with the accounts page's labels and
 * session caps (`gatehouse ls`); `filter` keeps roles whose account or role matches, and the answer
 * says how it was read. Audited.
 */
export const GET = withCliToken(
  noParams,
  async ({ request, user, meta }) => {
    const query = v1RolesQuery.safeParse(
      singleValuedQuery(request.nextUrl.searchParams).toObject(),
    );
    if (!query.success) {
      throw zodValidationError(query.error, "query");
    }
    const db = getDb();
    const accounts = await findAccountViews(db, user, {
      now: currentTime(),
      isBrokerRoleChained: isBrokerRoleChained(),
    });
    const filter = query.data.filter ?? "";
    const { accounts: shown, readAs } = filterAccountViews(accounts, filter);
    // Next.js answers HEAD with this handler; a HEAD shows nothing, so it records nothing.
    if (request.method !== "HEAD")
      await writeAuditEvent(db, {
        action: "cli.roles-listed",
        outcome: "success",
        actor: actorOf(user),
        meta,
        details: {
          roles: shown.reduce((n, a) => n + a.roles.length, 0),
          ...(filter ? { filter, filterReadAs: readAs } : {}),
        },
      });
    // With a filter, how it was read ("as-typed", "arns-in-text", "close-spellings"), so a client
    // can say, as the page does, that a result is not an exact match (docs/API.md).
    return NextResponse.json({
      defaultRegion: getConfig().defaultRegion,
      accounts: shown,
      ...(filter ? { filterReadAs: readAs } : {}),
    });
  },
  { rateLimit: "api" },
);

export const { POST, PUT, PATCH, DELETE, OPTIONS } = otherMethods({ GET });

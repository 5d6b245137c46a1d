import { currentTime } from "@/lib/clock";
import { z } from "zod";
import { roleAccessCsv, userAccessCsv } from "@/lib/access-review/access-csv";
import { findAccountAccess } from "@/lib/access-review/account-access";
import { findUserAccess } from "@/lib/access-review/user-access";
import { getDb } from "@/lib/db/client";
import { NO_STORE, withSession } from "@/lib/http/api-handler";
import { AppError } from "@/lib/errors";
import { methodNotAllowed } from "@/lib/http/fallback-handlers";
import { singleValuedQuery } from "@/lib/query-params";
import { reviewQuery } from "../review-query";

/**
 * GET ?account=<12 digits>[&role=<name>] or ?user=<email>: the access review as CSV. Checks for
 * itself (withSession) that the caller may review access; anyone else gets 403, audited.
 */
export const GET = withSession(
  z.object({}).optional(),
  async ({ request }) => {
    const query = reviewQuery(singleValuedQuery(request.nextUrl.searchParams));
    const now = currentTime();
    let csv: string;
    let name: string;
    if (query.kind === "account") {
      const access = await findAccountAccess(getDb(), query, now);
      if (!access) throw new AppError("not_found", "No such account or role in Gatehouse.");
      csv = roleAccessCsv(access);
      name = `access-${(access[0]?.account.accountId ?? query.account).replace(/[^\w.-]/g, "_")}${query.roleName ? `-${query.roleName}` : ""}`;
    } else if (query.kind === "user") {
      csv = userAccessCsv(await findUserAccess(getDb(), query.email, now));
      name = `access-${query.email.replace(/[^\w.@-]/g, "_")}`;
    } else {
      throw new AppError("validation_error", "Name an account (?account=) or a user (?user=).");
    }
    return new Response(csv, {
      headers: {
        ...NO_STORE,
        "Content-Type": "text/csv; charset=utf-8; header=present",
        "Content-Disposition": `attachment; filename="${name}.csv"`,
        "X-Content-Type-Options": "nosniff",
      },
    });
  },
  { privilege: "auditor" },
);

const getOnly = methodNotAllowed(["GET"]);
export { getOnly as POST, getOnly as PUT, getOnly as PATCH, getOnly as DELETE };

import "server-only";
import type { AdminResult } from "@/lib/admin/validation";
import { isAppError } from "@/lib/http/errors";

/**
 * Runs an admin change. When its audit record can't be written the whole transaction, change
 * included, has been rolled back (DESIGN.md invariant 2): the admin is told so, by the form.
 */
export async function auditedChange(run: () => Promise<AdminResult>): Promise<AdminResult> {
  try {
    return await run();
  } catch (error) {
    if (isAppError(error) && error.code === "audit_unavailable")
      return {
        ok: false,
        reason: "audit_unavailable",
        errors: {
          form: "The audit log could not record this change, so it was not made. Try again shortly.",
        },
      };
    throw error;
  }
}

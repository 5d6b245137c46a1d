import { z } from "zod";
import { durationSeconds, region } from "./schemas";

/** A role as the CLI names it: a role id, or <account>/<role name> (docs/API.md). */
const roleReference = z
  .string({
    error: (issue) =>
      issue.input === undefined
        ? "is required: a role id or <account>/<role name>"
        : "must be a string: a role id or <account>/<role name>",
  })
  .trim()
  .min(1, "must be a role id or <account>/<role name>")
  .max(200, "must be at most 200 characters");

/** POST /api/v1/credentials; unknown fields are refused, not ignored. */
export const v1CredentialsBody = z
  .object({ role: roleReference, region, durationSeconds })
  .strict();

/** POST /api/v1/console. */
export const v1ConsoleBody = z
  .object({
    role: roleReference,
    region,
    durationSeconds,
    destination: z
      .string({ message: "must be text" })
      .min(1, "must not be empty")
      .max(2048, "must be at most 2048 characters")
      .optional(),
  })
  .strict();

/**
 * GET /api/v1/roles?filter=…; an unknown parameter is refused, not ignored (a misspelt `filter`
 * would otherwise list every role as if it matched).
 */
export const v1RolesQuery = z
  .object({ filter: z.string().max(200, "must be at most 200 characters").optional() })
  .strict();

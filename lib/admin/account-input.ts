import "server-only";
import { z } from "zod";
import { description, noControlChars } from "./admin-result";

/** The admin editor's input rules for an AWS account: its id, name, alias and environment label. */

/** The environment labels offered in the form; any other short lowercase label is accepted too. */
export const ENVIRONMENT_SUGGESTIONS = ["prod", "staging", "dev", "test", "sandbox", "shared"];

export const ACCOUNT_ID_PATTERN = /^\d{12}$/;

export const accountInput = z.object({
  accountId: z
    .string()
    .trim()
    .regex(ACCOUNT_ID_PATTERN, "An AWS account id is exactly 12 digits, e.g. 123456789012."),
  name: z
    .string()
    .trim()
    .min(1, "Give the account a name.")
    .max(64, "Keep the name to 64 characters.")
    .refine(noControlChars, "Use plain text."),
  alias: z
    .string()
    .trim()
    .toLowerCase()
    .max(64, "Keep the alias to 64 characters.")
    .regex(/^([a-z0-9][a-z0-9._-]*)?$/, "Letters, digits, dots, dashes and underscores only."),
  environment: z
    .string()
    .trim()
    .toLowerCase()
    .regex(
      /^[a-z0-9][a-z0-9-]{0,23}$/,
      "A short label: lowercase letters, digits and dashes (e.g. prod, staging, dev).",
    ),
  description,
});
export type AccountInput = z.input<typeof accountInput>;

import type { z } from "zod";
import { AppError } from "./errors";

/** One problem with the input, as the API's error shape carries it (docs/API.md). */
export interface FieldIssue {
  path: string;
  message: string;
}

/** How many issues the one-line message names; the `issues` array always carries them all. */
const ISSUES_IN_MESSAGE = 3;

/**
 * Zod's issues as the API shows them: each names its field by its dotted path (`tags.0.key`) and
 * says what is wrong in words. An issue about the whole input is named `root` ("body", "query");
 * an unknown field is named itself, since a typo is easier to see by its name than in a list.
 */
export function fieldIssuesOf(error: z.ZodError, root: string): FieldIssue[] {
  return error.issues.flatMap((issue): FieldIssue[] => {
    const at = issue.path.map(String);
    if (issue.code === "unrecognized_keys") {
      return issue.keys.map((key) => ({
        path: [...at, key].join("."),
        message: "is not a field this accepts",
      }));
    }
    const path = at.length > 0 ? at.join(".") : root;
    if (at.length === 0 && issue.code === "invalid_type" && issue.expected === "object") {
      return [{ path, message: root === "body" ? "must be a JSON object" : "must be an object" }];
    }
    return [{ path, message: issue.message }];
  });
}

/** "durationSeconds: must be a number of seconds; region: …" (at most three, then a count). */
export function messageOf(issues: readonly FieldIssue[]): string {
  const named = issues.slice(0, ISSUES_IN_MESSAGE).map((i) => `${i.path}: ${i.message}`);
  const more = issues.length - named.length;
  return more > 0 ? `${named.join("; ")}; and ${more} more` : named.join("; ");
}

/** The validation_error for issues already in the API's shape, its message naming each field. */
export function validationErrorOf(issues: FieldIssue[]): AppError {
  return new AppError("validation_error", messageOf(issues), { issues });
}

/**
 * The one way a failed zod parse becomes an answer: AppError validation_error (400), its message
 * naming the field and the problem, every issue in `issues`. `root` names the input as a whole for
 * an issue that has no field (a body that is not an object).
 */
export function zodValidationError(error: z.ZodError, root = "body"): AppError {
  return validationErrorOf(fieldIssuesOf(error, root));
}

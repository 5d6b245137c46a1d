import type { ApiErrorView } from "./api-client";

export const ACCESS_CHANGED_HINT =
  "Your access may have changed: reload the page to see your current roles.";

/**
 * A role the accounts page still shows but the server no longer grants (its rule was deleted or
 * has expired since the page loaded) is answered not_found: add what to do about it. Other errors
 * are shown as they are.
 */
export function withAccessChangedHint(error: ApiErrorView): ApiErrorView {
  if (error.code !== "not_found") return error;
  return { ...error, message: `${error.message} ${ACCESS_CHANGED_HINT}` };
}

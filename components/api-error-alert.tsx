import type { ApiErrorView } from "./api-client";

/** A refused action's message with the request id to quote (the portal's one error wording). */
export function ApiErrorAlert({ error, testId }: { error: ApiErrorView; testId?: string }) {
  return (
    <p
      role="alert"
      className="rounded-md border border-red-200 bg-red-50 px-3 py-2 text-sm text-red-900"
      data-testid={testId}
    >
      {error.message}
      {error.requestId && (
        <span className="ml-1">
          (request id <code className="font-mono">{error.requestId}</code>)
        </span>
      )}
    </p>
  );
}

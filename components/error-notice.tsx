import type { ApiErrorView } from "./api-client";

export function ErrorNotice({ error, onDismiss }: { error: ApiErrorView; onDismiss?: () => void }) {
  return (
    <div
      role="alert"
      className="flex items-start gap-3 rounded-md border border-red-200 bg-red-50 px-3 py-2 text-sm text-red-800"
      data-testid="issue-error"
    >
      <div className="flex-1">
        <p>{error.message}</p>
        {error.requestId && (
          <p className="mt-1 text-xs text-red-700">
            Request id: <code className="font-mono">{error.requestId}</code>
          </p>
        )}
      </div>
      {onDismiss && (
        <button
          type="button"
          onClick={onDismiss}
          className="text-red-700 hover:text-red-900"
          aria-label="Dismiss"
        >
          ×
        </button>
      )}
    </div>
  );
}

"use client";

import { useRouter } from "next/navigation";
import { useState } from "react";
import { ApiErrorAlert } from "../api-error-alert";
import { postJson, type ApiErrorView } from "../api-client";

/**
 * Starts a discovery run and opens it. The server answers at once (the reading goes on in the
 * background); one already running is a conflict whose message says so, and discovery not being
 * configured is a validation error naming the setting.
 */
export function DiscoverNowButton() {
  const router = useRouter();
  const [isStarting, setIsStarting] = useState(false);
  const [error, setError] = useState<ApiErrorView | null>(null);
  const start = async () => {
    setIsStarting(true);
    setError(null);
    const answer = await postJson<{ runId: string; url: string }>("/api/admin/discovery", {});
    setIsStarting(false);
    if (!answer.ok) {
      setError(answer.error);
      return;
    }
    router.push(`/admin/accounts/discover?run=${encodeURIComponent(answer.data.runId)}`);
  };
  return (
    <div className="flex flex-col items-end gap-2">
      <button
        type="button"
        onClick={() => void start()}
        disabled={isStarting}
        className="rounded-md bg-indigo-600 px-4 py-2 text-sm font-medium whitespace-nowrap text-white hover:bg-indigo-500 disabled:opacity-60"
        data-testid="discovery-start"
      >
        {isStarting ? "Starting…" : "Discover now"}
      </button>
      {error && <ApiErrorAlert error={error} testId="discovery-start-error" />}
    </div>
  );
}

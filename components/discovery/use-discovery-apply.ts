"use client";

import { useRouter } from "next/navigation";
import { useState } from "react";
import type { ApplyResult } from "@/lib/discovery/apply-changes";
import type { ChangeKind } from "@/lib/discovery/changes";
import { postJson, type ApiErrorView } from "../api-client";

/** What POST /api/admin/discovery/{runId}/apply takes: everything, some changes, or whole kinds. */
export type ApplySelection = { all: true } | { keys: string[] } | { kinds: ChangeKind[] };

/**
 * Applies changes of one run. Every change is re-checked by the server, so the answer says which
 * were applied and which skipped, and why; `onApplied` then reads the list again.
 */
export function useDiscoveryApply(runId: string, onApplied: () => void) {
  const router = useRouter();
  const [isApplying, setIsApplying] = useState(false);
  const [result, setResult] = useState<ApplyResult | null>(null);
  const [error, setError] = useState<ApiErrorView | null>(null);

  async function apply(selection: ApplySelection): Promise<boolean> {
    setIsApplying(true);
    setError(null);
    setResult(null);
    const answer = await postJson<ApplyResult>(
      `/api/admin/discovery/${encodeURIComponent(runId)}/apply`,
      selection,
    );
    setIsApplying(false);
    if (!answer.ok) {
      setError(answer.error);
      return false;
    }
    setResult(answer.data);
    onApplied();
    // The runs list above counts what is still pending.
    router.refresh();
    return true;
  }

  return { apply, isApplying, result, error };
}

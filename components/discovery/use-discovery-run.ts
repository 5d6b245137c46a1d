"use client";

import { useRouter } from "next/navigation";
import { useEffect, useRef, useState } from "react";
import type { ChangeKind } from "@/lib/discovery/changes";
import type { DiscoveryRunDetail } from "@/lib/discovery/runs";
import { apiErrorFrom, UNREACHABLE, type ApiErrorView } from "../api-client";

/** Changes per page: the API's default, and few enough to render at once. */
export const PAGE_SIZE = 200;

const POLL_MS = 1000;
/** After a failed poll: the run goes on without us watching, so there is no hurry. */
const RETRY_MS = 5000;

export interface ChangeQuery {
  kind: ChangeKind | null;
  search: string;
  isPendingOnly: boolean;
  page: number;
}

function runUrl(runId: string, query: ChangeQuery): string {
  const params = new URLSearchParams();
  if (query.kind) params.set("kind", query.kind);
  if (query.isPendingOnly) params.set("pending", "1");
  if (query.search.trim() !== "") params.set("q", query.search.trim());
  params.set("offset", String(query.page * PAGE_SIZE));
  params.set("limit", String(PAGE_SIZE));
  return `/api/admin/discovery/${encodeURIComponent(runId)}?${params.toString()}`;
}

/**
 * One discovery run as GET /api/admin/discovery/{runId} answers for `query`: read again each
 * second while it runs (a setTimeout chain, so a slow answer never overlaps the next), once per
 * change of `query` or `reload()` after that. When the run stops running the server page is
 * refreshed too, so its list of runs shows the new status.
 */
export function useDiscoveryRun(runId: string, query: ChangeQuery) {
  const router = useRouter();
  const [run, setRun] = useState<DiscoveryRunDetail | null>(null);
  const [error, setError] = useState<ApiErrorView | null>(null);
  const [isLoading, setIsLoading] = useState(true);
  const [reloads, setReloads] = useState(0);
  const lastStatus = useRef<string | null>(null);
  const url = runUrl(runId, query);

  useEffect(() => {
    let isCancelled = false;
    let timer: ReturnType<typeof setTimeout> | undefined;
    const controller = new AbortController();
    const load = async () => {
      setIsLoading(true);
      let next: number | null = null;
      try {
        const response = await fetch(url, {
          headers: { Accept: "application/json" },
          cache: "no-store",
          signal: controller.signal,
        });
        const json: unknown = await response.json().catch(() => null);
        if (isCancelled) return;
        if (response.ok && json !== null) {
          const detail = json as DiscoveryRunDetail;
          setRun(detail);
          setError(null);
          if (lastStatus.current === "running" && detail.status !== "running") router.refresh();
          lastStatus.current = detail.status;
          if (detail.status === "running") next = POLL_MS;
        } else {
          setError(apiErrorFrom(response, json));
          // A server that is briefly unavailable is retried; a refusal or a missing run is final.
          if (response.status >= 500 && lastStatus.current === "running") next = RETRY_MS;
        }
      } catch {
        if (isCancelled) return;
        setError(UNREACHABLE);
        if (lastStatus.current === "running") next = RETRY_MS;
      }
      setIsLoading(false);
      if (next !== null) timer = setTimeout(() => void load(), next);
    };
    void load();
    return () => {
      isCancelled = true;
      controller.abort();
      clearTimeout(timer);
    };
  }, [url, reloads, router]);

  return { run, error, isLoading, reload: () => setReloads((n) => n + 1) };
}

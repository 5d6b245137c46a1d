"use client";

import { useSearchParams } from "next/navigation";
import { useCallback, useState } from "react";
import type { ChangeKind } from "@/lib/discovery/changes";
import { isChangeKind } from "./discovery-wording";
import type { ChangeQuery } from "./use-discovery-run";

function queryFrom(params: URLSearchParams): ChangeQuery {
  const kind = params.get("kind");
  const page = Number(params.get("page") ?? "1");
  return {
    kind: isChangeKind(kind) ? kind : null,
    search: params.get("q") ?? "",
    isPendingOnly: params.get("pending") === "1",
    page: Number.isInteger(page) && page >= 1 ? page - 1 : 0,
  };
}

/** Keeps ?kind=, ?q=, ?pending=1 and ?page= (1-based) in the address, so a view can be shared. */
function writeAddress(query: ChangeQuery): void {
  const params = new URLSearchParams(window.location.search);
  const set = (name: string, value: string | null) =>
    value === null ? params.delete(name) : params.set(name, value);
  set("kind", query.kind);
  set("q", query.search === "" ? null : query.search);
  set("pending", query.isPendingOnly ? "1" : null);
  set("page", query.page === 0 ? null : String(query.page + 1));
  const text = params.toString();
  // The history API, not the router: the server page has nothing new to render for a filter.
  window.history.replaceState(null, "", text === "" ? window.location.pathname : `?${text}`);
}

/**
 * Which changes of a run are shown, read from the address once and written back on each change;
 * a new filter starts again at the first page.
 */
export function useChangeQuery() {
  const searchParams = useSearchParams();
  const [query, setQuery] = useState<ChangeQuery>(() =>
    queryFrom(new URLSearchParams(searchParams.toString())),
  );
  const update = useCallback(
    (patch: Partial<ChangeQuery>) => {
      const next = { ...query, page: 0, ...patch };
      writeAddress(next);
      setQuery(next);
    },
    [query],
  );
  return {
    query,
    setKind: useCallback((kind: ChangeKind | null) => update({ kind }), [update]),
    setSearch: useCallback((search: string) => update({ search }), [update]),
    setPendingOnly: useCallback((isPendingOnly: boolean) => update({ isPendingOnly }), [update]),
    setPage: useCallback((page: number) => update({ page }), [update]),
  };
}

"use client";

import { useCallback, useEffect, useState } from "react";
import type { RoleView } from "@/lib/access/group-by-account";
import { formatRelativeTime } from "./relative-time";

/**
 * When each role was last used: the server's record, updated in place as the user opens consoles
 * and takes credentials here. `serverNow` is the server's clock at render, so "used 3 h ago" reads
 * the same on both sides; after that it ticks every minute.
 */
export function useRoleUsage(serverNow: string) {
  const [usedNow, setUsedNow] = useState<ReadonlyMap<string, string>>(new Map());
  const [now, setNow] = useState(() => new Date(serverNow));

  useEffect(() => {
    const timer = window.setInterval(() => setNow(new Date()), 60_000);
    return () => window.clearInterval(timer);
  }, []);

  const lastUsedOf = useCallback(
    (role: RoleView) => usedNow.get(role.roleId) ?? role.lastUsedAt,
    [usedNow],
  );
  const markUsed = useCallback((roleId: string) => {
    setUsedNow((prev) => new Map(prev).set(roleId, new Date().toISOString()));
    setNow(new Date());
  }, []);
  const lastUsedLabel = useCallback(
    (role: RoleView) => {
      const at = lastUsedOf(role);
      return at ? formatRelativeTime(new Date(at), now) : null;
    },
    [lastUsedOf, now],
  );
  return { lastUsedOf, markUsed, lastUsedLabel };
}

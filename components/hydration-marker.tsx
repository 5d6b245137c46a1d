"use client";

import { useEffect } from "react";

/**
 * Marks the document once React has hydrated it (`<html data-hydrated>`). Until then a button's
 * click handler is not attached and a click on it does nothing; the e2e tier waits for this mark
 * before it clicks (docs/ARCHITECTURE.md, "Tests"). Renders nothing.
 */
export function HydrationMarker() {
  useEffect(() => {
    document.documentElement.dataset.hydrated = "";
  }, []);
  return null;
}

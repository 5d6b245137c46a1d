"use client";

import { useEffect, useState, type RefObject } from "react";

/** Extra pixels rendered above and below the viewport, so fast scrolling shows no blank rows. */
const OVERSCAN_PX = 400;
/** The range moves in steps of this size: scrolling re-renders only when a step is crossed. */
const STEP_PX = 400;
/** What the server (which has no viewport) renders: enough for a tall first screen. */
const INITIAL_RANGE = { top: 0, bottom: 2000 };
const EVERYTHING = { top: -Infinity, bottom: Infinity };

export interface PixelRange {
  top: number;
  bottom: number;
}

/**
 * The part of a tall list (offsets from the list's top) that is on screen, plus overscan, following
 * the window's scroll and size. With `enabled` false the whole list is "visible" (small lists
 * render completely: find-in-page and screen readers then see every role).
 */
export function useVisibleRange(
  listRef: RefObject<HTMLElement | null>,
  enabled: boolean,
  /** Changes when the list's content changes (its height), to measure again. */
  contentVersion: unknown,
): PixelRange {
  const [range, setRange] = useState<PixelRange>(INITIAL_RANGE);

  useEffect(() => {
    if (!enabled) return;
    let frame = 0;
    const measure = () => {
      frame = 0;
      const list = listRef.current;
      if (!list) return;
      const offset = -list.getBoundingClientRect().top;
      const top = Math.floor((offset - OVERSCAN_PX) / STEP_PX) * STEP_PX;
      const bottom = Math.ceil((offset + window.innerHeight + OVERSCAN_PX) / STEP_PX) * STEP_PX;
      setRange((prev) => (prev.top === top && prev.bottom === bottom ? prev : { top, bottom }));
    };
    const schedule = () => {
      if (frame === 0) frame = window.requestAnimationFrame(measure);
    };
    measure();
    window.addEventListener("scroll", schedule, { passive: true });
    window.addEventListener("resize", schedule);
    return () => {
      window.removeEventListener("scroll", schedule);
      window.removeEventListener("resize", schedule);
      if (frame !== 0) window.cancelAnimationFrame(frame);
    };
  }, [listRef, enabled, contentVersion]);

  return enabled ? range : EVERYTHING;
}

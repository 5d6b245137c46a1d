"use client";

import { useEffect, useRef, type RefObject } from "react";

/**
 * A ref that always holds the value of the last render: for effects and stable callbacks that must
 * call the latest handlers without re-running (or re-rendering memoized children) when they change.
 */
export function useLatest<T>(value: T): RefObject<T> {
  const ref = useRef(value);
  useEffect(() => {
    ref.current = value;
  });
  return ref;
}

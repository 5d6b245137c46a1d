"use client";

import { useId, useState, type KeyboardEvent } from "react";
import { guessShell, PREFERRED_TAB_KEY, TABS, type Format } from "./credential-tabs";

/** The chosen credentials format: the last one this browser picked, else a guess from the OS. */
export function usePreferredFormat(): [Format, (format: Format) => void] {
  const [format, setFormat] = useState<Format>(guessShell);
  function choose(next: Format) {
    setFormat(next);
    window.localStorage.setItem(PREFERRED_TAB_KEY, next);
  }
  return [format, choose];
}

/** Where a key press moves the selection among `count` tabs, or null for a key tabs ignore. */
function tabIndexAfterKey(key: string, at: number, count: number): number | null {
  switch (key) {
    case "ArrowRight":
      return (at + 1) % count;
    case "ArrowLeft":
      return (at - 1 + count) % count;
    case "Home":
      return 0;
    case "End":
      return count - 1;
    default:
      return null;
  }
}

/**
 * The credentials formats as WAI-ARIA tabs: one tab in the Tab order (the selected one),
 * Left/Right move to the previous/next (wrapping), Home/End to the first/last, selecting as they
 * go. `children` is the selected format's panel.
 */
export function FormatTabs({
  tab,
  onChoose,
  children,
}: {
  tab: Format;
  onChoose: (format: Format) => void;
  children: React.ReactNode;
}) {
  const tabsId = useId();
  const tabId = (format: Format) => `${tabsId}-tab-${format}`;

  function onKeyDown(e: KeyboardEvent<HTMLDivElement>) {
    const at = TABS.findIndex((t) => t.format === tab);
    const to = tabIndexAfterKey(e.key, at, TABS.length);
    if (to === null) return;
    e.preventDefault();
    const format = TABS[to]!.format;
    onChoose(format);
    document.getElementById(tabId(format))?.focus();
  }

  return (
    <>
      <div
        role="tablist"
        aria-label="Format"
        onKeyDown={onKeyDown}
        className="mt-4 flex flex-wrap gap-1 border-b border-slate-200"
      >
        {TABS.map((t) => (
          <button
            key={t.format}
            id={tabId(t.format)}
            role="tab"
            type="button"
            aria-selected={t.format === tab}
            aria-controls={`${tabsId}-panel`}
            tabIndex={t.format === tab ? 0 : -1}
            onClick={() => onChoose(t.format)}
            className={`-mb-px rounded-t-md border px-3 py-1.5 text-sm ${
              t.format === tab
                ? "border-slate-200 border-b-white bg-white font-medium text-slate-900"
                : "border-transparent text-slate-600 hover:text-slate-900"
            }`}
          >
            {t.label}
          </button>
        ))}
      </div>
      <div id={`${tabsId}-panel`} role="tabpanel" aria-labelledby={tabId(tab)}>
        {children}
      </div>
    </>
  );
}

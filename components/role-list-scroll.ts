"use client";

import { ROW_HEIGHT, type LayoutRow } from "./role-list-layout";

/**
 * Scrolls the window just enough to show `row` of the (windowed) role list below the sticky
 * toolbar, with a small margin; a row already in view doesn't move the page.
 */
export function scrollRowIntoView(
  row: LayoutRow,
  list: HTMLElement | null,
  toolbar: HTMLElement | null,
): void {
  if (!list) return;
  const listTop = list.getBoundingClientRect().top + window.scrollY;
  const stickyHeight = toolbar?.getBoundingClientRect().height ?? 0;
  const top = listTop + row.top;
  const bottom = top + ROW_HEIGHT;
  const margin = 12;
  if (top < window.scrollY + stickyHeight + margin) {
    window.scrollTo({ top: Math.max(0, top - stickyHeight - margin) });
  } else if (bottom > window.scrollY + window.innerHeight - margin) {
    window.scrollTo({ top: bottom - window.innerHeight + margin });
  }
}

/**
 * The row an arrow key moves the highlight to: the next or previous one, stopping at the ends;
 * from no highlight, Down starts at the first row and Up at the last.
 */
export function rowAfterMove(
  rows: readonly LayoutRow[],
  highlighted: LayoutRow | undefined,
  delta: 1 | -1,
): LayoutRow | undefined {
  if (rows.length === 0) return undefined;
  const at = highlighted ? rows.indexOf(highlighted) : -1;
  const next =
    at === -1
      ? delta === 1
        ? 0
        : rows.length - 1
      : Math.min(rows.length - 1, Math.max(0, at + delta));
  return rows[next];
}

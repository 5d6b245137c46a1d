"use client";

import { useEffect, type RefObject } from "react";
import { useLatest } from "./use-latest";

export interface KeyboardActions {
  /** Move the highlight by one role (1 down, -1 up). */
  move: (delta: 1 | -1) => void;
  openConsole: () => void;
  openCli: () => void;
  toggleFavorite: () => void;
  /** Escape outside any dialog: clear the search, then the highlight. */
  escape: () => void;
  toggleHelp: () => void;
}

/** Keys the search box passes on to the list; everything else typed there is text. */
const SEARCH_BOX_KEYS = new Set(["ArrowDown", "ArrowUp", "Enter", "Escape"]);

function isTextEntry(element: Element | null): boolean {
  if (!element) return false;
  if (element instanceof HTMLElement && element.isContentEditable) return true;
  return ["INPUT", "TEXTAREA", "SELECT"].includes(element.tagName);
}

/**
 * The accounts page's keyboard shortcuts, on the document: `/` search, ArrowDown/ArrowUp move the
 * highlight, Enter console, `c` CLI credentials, `f` favorite, Escape clear, `?` help. Ignored while
 * typing in a field (except Arrow/Enter/Escape from the search box, and `/` and `?` from it while
 * it is empty), with a modifier held (so
 * Ctrl+C still copies), or while a dialog or menu is open (`isSuspended`): those own the keyboard.
 */
export function useKeyboardNavigation(
  searchRef: RefObject<HTMLInputElement | null>,
  actions: KeyboardActions,
  isSuspended: boolean,
): void {
  const latest = useLatest({ actions, isSuspended });

  useEffect(() => {
    function onKeyDown(event: KeyboardEvent) {
      const { actions: act, isSuspended: suspended } = latest.current;
      if (suspended || event.defaultPrevented || event.isComposing) return;
      if (event.ctrlKey || event.metaKey || event.altKey) return;
      const target = event.target instanceof Element ? event.target : null;
      const fromSearch = target !== null && target === searchRef.current;
      // The search box is focused on load: from it while empty, `/` (out of habit) and `?` are
      // shortcuts, not the first character of a search that would match nothing.
      const isShortcutFromEmptySearch =
        fromSearch && searchRef.current?.value === "" && (event.key === "/" || event.key === "?");
      if (
        isTextEntry(target) &&
        !(fromSearch && SEARCH_BOX_KEYS.has(event.key)) &&
        !isShortcutFromEmptySearch
      )
        return;
      // Enter on a focused button or link is that control's own click.
      if (event.key === "Enter" && target?.closest("button, a, summary")) return;

      const handled = (fn: () => void) => {
        event.preventDefault();
        fn();
      };
      switch (event.key) {
        case "/":
          return handled(() => {
            searchRef.current?.focus();
            searchRef.current?.select();
          });
        case "ArrowDown":
          return handled(() => act.move(1));
        case "ArrowUp":
          return handled(() => act.move(-1));
        case "Enter":
          return handled(act.openConsole);
        case "c":
          return handled(act.openCli);
        case "f":
          return handled(act.toggleFavorite);
        case "Escape":
          return handled(act.escape);
        case "?":
          return handled(act.toggleHelp);
      }
    }
    document.addEventListener("keydown", onKeyDown);
    return () => document.removeEventListener("keydown", onKeyDown);
  }, [searchRef, latest]);
}

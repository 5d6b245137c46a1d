"use client";

import { useEffect, type FocusEvent, type KeyboardEvent, type RefObject } from "react";

const FOCUSABLE =
  'a[href], button:not(:disabled), input:not(:disabled):not([type="hidden"]), select:not(:disabled), textarea:not(:disabled), [tabindex]:not([tabindex="-1"])';

function focusablesIn(root: ParentNode): HTMLElement[] {
  return [...root.querySelectorAll<HTMLElement>(FOCUSABLE)].filter(
    (el) => el.getClientRects().length > 0,
  );
}

/**
 * Keeps a popup panel (rendered at the end of the page, opened by `anchor`) in the keyboard's path
 * as if it followed its button: Tab past its last control goes on to what follows the button,
 * Shift+Tab before its first goes back to the button, and either closes it. Focus moving anywhere
 * else outside it, a press outside it, or Escape anywhere closes it too, so it never stays open
 * (and the page's shortcuts off) once one has left it. Focus returns to the button only when it
 * would otherwise be lost.
 */
export function usePopupFocus(
  panel: RefObject<HTMLElement | null>,
  anchor: HTMLElement,
  onClose: () => void,
): {
  onKeyDown: (event: KeyboardEvent<HTMLElement>) => void;
  onBlur: (event: FocusEvent<HTMLElement>) => void;
} {
  useEffect(() => {
    const onPointer = (e: PointerEvent) => {
      const target = e.target as Node;
      if (!panel.current?.contains(target) && !anchor.contains(target)) onClose();
    };
    const onKey = (e: globalThis.KeyboardEvent) => {
      if (e.key !== "Escape") return;
      e.preventDefault();
      e.stopPropagation();
      onClose();
    };
    document.addEventListener("pointerdown", onPointer);
    document.addEventListener("keydown", onKey);
    return () => {
      document.removeEventListener("pointerdown", onPointer);
      document.removeEventListener("keydown", onKey);
      // Focus was in the panel (now gone) or nowhere: give it back to the button.
      const active = document.activeElement;
      if (anchor.isConnected && (active === null || active === document.body)) anchor.focus();
    };
  }, [panel, anchor, onClose]);

  return {
    onKeyDown: (event) => {
      if (event.key !== "Tab" || !panel.current) return;
      const inPanel = focusablesIn(panel.current);
      const edge = event.shiftKey ? inPanel[0] : inPanel[inPanel.length - 1];
      if (event.target !== edge) return;
      event.preventDefault();
      let next: HTMLElement | undefined = anchor;
      if (!event.shiftKey) {
        const inPage = focusablesIn(document).filter((el) => !panel.current?.contains(el));
        next = inPage[inPage.indexOf(anchor) + 1];
      }
      next?.focus();
      onClose();
    },
    onBlur: (event) => {
      const to = event.relatedTarget;
      // Null: the window itself lost focus (another window, the browser's own UI): stay open.
      if (to instanceof Node && !event.currentTarget.contains(to) && !anchor.contains(to))
        onClose();
    },
  };
}

"use client";

import { useState } from "react";

const SAID: Record<"idle" | "copied" | "failed", string> = {
  idle: "",
  copied: "Copied to the clipboard.",
  failed: "Copy failed: select the text and copy it yourself.",
};

/**
 * Copies `text`, and says so twice: on the button, and in a live region next to it that is always
 * there, so a screen reader reads the outcome (a focused button's new text often goes unsaid).
 */
export function CopyButton({ text, label = "Copy" }: { text: string; label?: string }) {
  const [state, setState] = useState<"idle" | "copied" | "failed">("idle");
  return (
    <>
      <button
        type="button"
        onClick={() => {
          navigator.clipboard.writeText(text).then(
            () => setState("copied"),
            () => setState("failed"),
          );
          window.setTimeout(() => setState("idle"), 2000);
        }}
        className="rounded-md border border-slate-300 bg-white px-2.5 py-1 text-xs font-medium text-slate-700 hover:bg-slate-100"
      >
        {state === "copied"
          ? "Copied"
          : state === "failed"
            ? "Copy failed — select the text"
            : label}
      </button>
      <span role="status" className="sr-only">
        {SAID[state]}
      </span>
    </>
  );
}

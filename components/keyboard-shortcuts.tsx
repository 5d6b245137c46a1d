"use client";

const SHORTCUTS: ReadonlyArray<[string[], string]> = [
  [["/"], "Search"],
  [["↓", "↑"], "Move between roles"],
  [["Enter"], "Open the console for the highlighted role"],
  [["c"], "CLI credentials for it"],
  [["f"], "Add it to / remove it from favorites"],
  [["Esc"], "Clear the search, close a dialog"],
  [["?"], "Show or hide this list"],
];

function Kbd({ children }: { children: string }) {
  return (
    <kbd className="inline-flex min-w-6 items-center justify-center rounded border border-slate-300 bg-white px-1.5 font-mono text-xs text-slate-700 shadow-[0_1px_0_var(--color-slate-300)]">
      {children}
    </kbd>
  );
}

/** The "Keyboard shortcuts" hint, opened with `?` or its button. */
export function KeyboardShortcuts({ onClose }: { onClose: () => void }) {
  return (
    <div
      role="dialog"
      aria-label="Keyboard shortcuts"
      className="absolute top-full right-0 z-30 mt-2 w-full max-w-2xl rounded-lg border border-slate-200 bg-white px-4 py-3 text-sm shadow-lg"
      data-testid="keyboard-shortcuts"
    >
      <div className="flex items-center justify-between">
        <p className="font-medium text-slate-900">Keyboard shortcuts</p>
        <button
          type="button"
          onClick={onClose}
          className="text-lg leading-none text-slate-500 hover:text-slate-700"
          aria-label="Close keyboard shortcuts"
        >
          ×
        </button>
      </div>
      <dl className="mt-2 grid grid-cols-1 gap-x-8 gap-y-1.5 sm:grid-cols-2">
        {SHORTCUTS.map(([keys, what]) => (
          <div key={what} className="flex items-center gap-3">
            <dt className="flex w-20 shrink-0 gap-1">
              {keys.map((k) => (
                <Kbd key={k}>{k}</Kbd>
              ))}
            </dt>
            <dd className="text-slate-600">{what}</dd>
          </div>
        ))}
      </dl>
      <p className="mt-2 text-xs text-slate-500">
        Shortcuts pause while you type in a field; from the search box, the arrows, Enter and Esc
        still work, and so do / and ? while it is empty.
      </p>
    </div>
  );
}

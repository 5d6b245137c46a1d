import { CopyButton } from "./copy-button";

/**
 * A command to type, as a terminal shows it: on one line, never broken inside a word or flag;
 * a line wider than the screen scrolls sideways within the block (keyboard users reach the
 * scroller by Tab). With a button that copies it.
 */
export function CommandBlock({ command }: { command: string }) {
  return (
    <div className="flex items-start gap-2">
      <pre
        className="min-w-0 flex-1 overflow-x-auto rounded-md bg-slate-900 px-3 py-2 font-mono text-sm whitespace-pre text-slate-100"
        tabIndex={0}
        data-testid="command"
      >
        <code>{command}</code>
      </pre>
      <CopyButton text={command} label="Copy command" />
    </div>
  );
}

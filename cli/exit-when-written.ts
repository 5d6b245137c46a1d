// How the operator commands (`npm run doctor`, `npm run discover`) end. `process.exit` right after
// `process.stdout.write` drops whatever a pipe has not taken yet: on Linux stdout to a pipe is
// asynchronous, and a reader slower than the writer (`| less`, `| jq` on a big --json) leaves the
// rest in the process's buffer. So the exit code is set first, and the process exits only once
// stdout and stderr have handed every byte to the operating system. It still exits then, rather
// than waiting for the event loop to empty, so a handle a library left open cannot keep an
// operator's shell waiting.

/** Ends the process with `code` once everything written to stdout and stderr is flushed. */
export function exitWhenWritten(code: number): void {
  process.exitCode = code;
  let pending = 2;
  const flushed = () => {
    pending -= 1;
    if (pending === 0) process.exit(code);
  };
  // A write's callback runs after every earlier write to the stream has been handed over; a
  // closed pipe (`| head`) reports an error to the same callback, and there is nothing to wait for.
  for (const stream of [process.stdout, process.stderr]) {
    if (stream.writableEnded || stream.destroyed) flushed();
    else stream.write("", flushed);
  }
}

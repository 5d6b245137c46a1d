import type { Log } from "./log";

function isBrokenPipe(err: unknown): boolean {
  const code = (err as NodeJS.ErrnoException | undefined)?.code;
  return code === "EPIPE" || code === "ERR_STREAM_DESTROYED";
}

function describe(value: unknown): string {
  return value instanceof Error ? (value.stack ?? value.message) : String(value);
}

/**
 * Process-level handlers for a long-running demo server (the IdP CLI; dev/demo.ts can call it too),
 * so it neither dies silently nor dies for a reason that is safe to survive.
 *
 * An oidc-provider process has been seen exiting without a word minutes after a login. Tried
 * here: a plain Node HTTP server that logs to stderr exits with code 1 on the first log line after
 * its stderr reader has gone (EPIPE surfaces as an unhandled 'error' event, and the message that
 * would explain it has nowhere to go). Other silent killers: SIGHUP when the terminal or parent
 * goes away, and an unhandled rejection (fatal by default since Node 15).
 *
 * - EPIPE on stdout/stderr: ignored (nobody is reading; keep serving).
 * - SIGHUP: logged and ignored; stop with SIGINT/SIGTERM.
 * - unhandledRejection: logged, keep serving (a rejected promise left nothing half-done).
 * - uncaughtException: logged, then exit 1 (state may be inconsistent; let the supervisor
 *   restart a clean process) — except broken pipes, which are ignored as above.
 * - exit: the code is logged, so an exit is never silent.
 */
export function installProcessGuards(log: Log): void {
  for (const stream of [process.stdout, process.stderr]) {
    stream.on("error", (err) => {
      if (!isBrokenPipe(err)) throw err;
    });
  }
  process.on("SIGHUP", () =>
    log("SIGHUP received: ignored, still serving (stop with SIGINT or SIGTERM)"),
  );
  process.on("unhandledRejection", (reason) => {
    log(`unhandled rejection (still serving): ${describe(reason)}`);
  });
  process.on("uncaughtException", (err) => {
    if (isBrokenPipe(err)) return;
    log(`uncaught exception, exiting: ${describe(err)}`);
    process.exit(1);
  });
  process.on("exit", (code) => log(`exiting with code ${code}`));
}

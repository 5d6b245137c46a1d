import { format } from "node:util";
import { writeServerLine } from "./server-line";

/**
 * Makes what libraries print — Next.js's start-up notes and the errors it reports with their
 * stacks, process warnings such as the AWS SDK's — JSON lines too, one per call, so that every line
 * the process writes has the documented shape (docs/OPERATIONS.md "Logs") and a log collector never
 * splits a stack into separate events. Gatehouse's own logger writes its lines itself.
 */
export function routeConsoleToJsonLines(): void {
  const levels = {
    debug: "debug",
    log: "info",
    info: "info",
    warn: "warn",
    error: "error",
  } as const;
  for (const [method, level] of Object.entries(levels)) {
    console[method as keyof typeof levels] = (...args: unknown[]) =>
      writeServerLine(level, format(...args).trimEnd());
  }
  // Node prints warnings itself, in several plain-text lines; this listener replaces that printer.
  process.removeAllListeners("warning");
  process.on("warning", (warning) =>
    writeServerLine("warn", warning.message.trim(), { warning: warning.name }),
  );
}

/**
 * A log line of the server process itself (server.ts: start, migrations, errors outside Next.js),
 * in the same JSON shape as every other line (docs/OPERATIONS.md "Logs"): info and debug on
 * stdout, warn and error on stderr. Callers pass no secrets; none of them has one to pass.
 */
export function writeServerLine(
  level: "debug" | "info" | "warn" | "error",
  message: string,
  fields: Record<string, unknown> = {},
): void {
  const line = `${JSON.stringify({ time: new Date().toISOString(), level, message, ...fields })}\n`;
  (level === "warn" || level === "error" ? process.stderr : process.stdout).write(line);
}

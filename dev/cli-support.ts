/**
 * What the demo servers' command lines share (the OIDC and SAML IdPs): arguments read strictly and
 * checked with zod (exit 2 with every problem and the usage line), a clean stop on SIGINT/SIGTERM,
 * and the address to probe a listener on.
 */
import { parseArgs, type ParseArgsConfig } from "node:util";
import type { z } from "zod";

export type Log = (line: string) => void;

/** Reads `--name value` options strictly; exits 2 naming every problem, then the usage line. */
export function parseCommandLine<S extends z.ZodType>(
  schema: S,
  options: NonNullable<ParseArgsConfig["options"]>,
  usage: string,
  log: Log,
): z.output<S> {
  const fail = (problems: string[]): never => {
    for (const problem of problems) log(problem);
    log(usage);
    process.exit(2);
  };
  let values: Record<string, unknown>;
  try {
    ({ values } = parseArgs({ options, strict: true, allowPositionals: false }));
  } catch (err) {
    return fail([err instanceof Error ? err.message : String(err)]);
  }
  const parsed = schema.safeParse(values);
  if (!parsed.success) {
    return fail(parsed.error.issues.map((issue) => `--${issue.path.join(".")}: ${issue.message}`));
  }
  return parsed.data;
}

/** Closes the server on SIGINT/SIGTERM and exits 0; a second signal exits 1 at once. */
export function stopOnSignals(server: { close(): Promise<void> }, log: Log): void {
  let stopping = false;
  const stop = (signal: NodeJS.Signals) => {
    if (stopping) {
      log(`${signal} again: exiting now`);
      process.exit(1);
    }
    stopping = true;
    log(`${signal} received, shutting down`);
    server.close().then(
      () => process.exit(0),
      (err: unknown) => {
        log(`shutdown failed: ${err instanceof Error ? err.message : String(err)}`);
        process.exit(1);
      },
    );
  };
  process.on("SIGINT", stop);
  process.on("SIGTERM", stop);
}

/** Where to reach a listener bound to `host` from this machine (wildcards → loopback). */
export function probeHostFor(host: string): string {
  if (host === "0.0.0.0" || host === "::") return "127.0.0.1";
  return host.includes(":") ? `[${host}]` : host;
}

import "server-only";
import { ConfigError, getConfig } from "@/lib/config";
import { setLogLevel } from "@/lib/log";

/** Validates configuration at server start; prints what is wrong and exits on a bad setting. */
export function bootOrExit(): void {
  try {
    const config = getConfig();
    setLogLevel(config.logLevel);
  } catch (error) {
    if (error instanceof ConfigError) {
      process.stderr.write(`${error.message}\nSee .env.example for every setting.\n`);
      process.exit(78); // EX_CONFIG
    }
    throw error;
  }
}

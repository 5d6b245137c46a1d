import "server-only";
import { loadConfig, type AppConfig } from "./load-config";

export type { AppConfig } from "./load-config";
export type { DiscoveryConfig } from "./discovery-config";
export { ConfigError } from "./config-error";

let cached: AppConfig | undefined;

/**
 * The validated configuration, parsed from the environment once per process. The first call happens
 * at boot (instrumentation.ts), so a bad setting stops the server before it serves anything.
 */
export function getConfig(): AppConfig {
  cached ??= loadConfig(process.env);
  return cached;
}

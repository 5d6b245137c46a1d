// Replaced with package.json's version by dev/build-cli.mjs (esbuild `define`); unset when the
// sources run under vitest.
declare const GATEHOUSE_CLI_VERSION: string | undefined;

export const CLI_VERSION: string =
  typeof GATEHOUSE_CLI_VERSION === "string" ? GATEHOUSE_CLI_VERSION : "0.0.0-dev";

/** Sent on every request, so the portal's logs tell the CLI (and its version) from browsers. */
export const USER_AGENT = `gatehouse-cli/${CLI_VERSION}`;

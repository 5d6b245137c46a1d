import type { CliEnv } from "./cli-env";

/**
 * The fetch every request of the CLI goes through (docs/CLI.md "Proxies"). Without HTTP_PROXY or
 * HTTPS_PROXY it is Node's own fetch and nothing more is loaded: a credential_process starts often
 * (docs/CLI.md "Benchmark"). With one, the first request loads proxied-fetch.ts and undici, since
 * Node's fetch ignores the proxy variables.
 */
export function fetchFor(env: CliEnv, base: typeof fetch = globalThis.fetch): typeof fetch {
  const variables = env.proxy;
  if (variables === undefined) return base;
  let loaded: Promise<typeof fetch> | undefined;
  return (async (input: string | URL, init?: RequestInit) => {
    loaded ??= import("./proxied-fetch").then((module) => module.proxiedFetch(variables));
    return (await loaded)(input, init);
  }) as typeof fetch;
}

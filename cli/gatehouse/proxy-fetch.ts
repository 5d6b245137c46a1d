import type { CliEnv } from "./cli-env";

/**
 * The fetch every request of the CLI goes through (docs/CLI.md "Proxies"). Without HTTP_PROXY,
 * HTTPS_PROXY or AWS_CA_BUNDLE it is Node's own fetch and nothing more is loaded: a
 * credential_process starts often (docs/CLI.md "Benchmark"). With one, the first request loads
 * proxied-fetch.ts and undici, since Node's fetch reads neither the proxy variables nor a CA file.
 */
export function fetchFor(env: CliEnv, base: typeof fetch = globalThis.fetch): typeof fetch {
  if (!needsOwnFetch(env)) return base;
  const variables = env.proxy ?? {};
  const caBundle = env.caBundle;
  let loaded: Promise<typeof fetch> | undefined;
  return (async (input: string | URL, init?: RequestInit) => {
    loaded ??= import("./proxied-fetch").then((module) => module.proxiedFetch(variables, caBundle));
    return (await loaded)(input, init);
  }) as typeof fetch;
}

/** Whether requests need the CLI's own fetch: a proxy or a CA bundle is set. */
export function needsOwnFetch(env: Pick<CliEnv, "proxy" | "caBundle">): boolean {
  return env.proxy !== undefined || env.caBundle !== undefined;
}

/**
 * CLI for the demo OpenID Provider (never production):
 *
 *   tsx dev/oidc-idp/main.ts --port 3100 --client-id gatehouse-demo --client-secret <s> \
 *     --redirect-uri http://localhost:3000/api/auth/callback/oidc \
 *     [--post-logout-redirect-uri http://localhost:3000/signin] [--host 127.0.0.1] \
 *     [--issuer-host localhost] [--groups-claim groups] [--title "Corp Identity (demo)"]
 *
 * Signs in the demo users from dev/demo-users.ts. Prints one "listening" line once discovery
 * answers, so a supervisor can wait for it. Exits 0 on SIGINT/SIGTERM, 2 on bad arguments.
 */
import { z } from "zod";

import { parseCommandLine, probeHostFor, stopOnSignals } from "../cli-support";
import { demoUsers } from "../demo-users";
import { writeToStderr as log } from "./log";
import { installProcessGuards } from "./process-guards";
import { startOidcIdp } from "./server";

const url = z.url({ protocol: /^https?$/ });
const Args = z.object({
  port: z.coerce.number().int().min(0).max(65535).default(3100),
  host: z.string().min(1).default("127.0.0.1"),
  "issuer-host": z.string().min(1).default("localhost"),
  "client-id": z.string().min(1),
  "client-secret": z.string().min(1),
  "redirect-uri": z.array(url).min(1),
  "post-logout-redirect-uri": z.array(url).default([]),
  "groups-claim": z.string().min(1).optional(),
  title: z.string().min(1).optional(),
});

const OPTIONS = {
  port: { type: "string" },
  host: { type: "string" },
  "issuer-host": { type: "string" },
  "client-id": { type: "string" },
  "client-secret": { type: "string" },
  "redirect-uri": { type: "string", multiple: true },
  "post-logout-redirect-uri": { type: "string", multiple: true },
  "groups-claim": { type: "string" },
  title: { type: "string" },
} as const;

const USAGE =
  "usage: tsx dev/oidc-idp/main.ts --port 3100 --client-id <id> --client-secret <secret> " +
  "--redirect-uri <uri> [--redirect-uri <uri>…] [--post-logout-redirect-uri <uri>…] " +
  "[--host 127.0.0.1] [--issuer-host localhost] [--groups-claim groups] [--title <text>]";

/** Fetches discovery through the listening socket, so "listening" is printed only when it is true. */
async function checkDiscovery(issuer: string, host: string, port: number): Promise<void> {
  const probeHost = probeHostFor(host);
  const response = await fetch(`http://${probeHost}:${port}/.well-known/openid-configuration`);
  const document = (await response.json()) as { issuer?: unknown };
  if (!response.ok || document.issuer !== issuer) {
    throw new Error(`discovery self-check failed (HTTP ${response.status})`);
  }
}

async function main(): Promise<void> {
  installProcessGuards(log);
  const args = parseCommandLine(Args, OPTIONS, USAGE, log);
  const idp = await startOidcIdp({
    port: args.port,
    host: args.host,
    issuerHost: args["issuer-host"],
    users: demoUsers,
    clients: [
      {
        clientId: args["client-id"],
        clientSecret: args["client-secret"],
        redirectUris: args["redirect-uri"],
        postLogoutRedirectUris: args["post-logout-redirect-uri"],
      },
    ],
    groupsClaim: args["groups-claim"],
    title: args.title,
  });
  stopOnSignals(idp, log);
  await checkDiscovery(idp.issuer, args.host, Number(new URL(idp.issuer).port));
  process.stdout.write(
    `oidc-idp listening on ${args.host}:${new URL(idp.issuer).port}, issuer ${idp.issuer}\n` +
      `  discovery ${idp.issuer}/.well-known/openid-configuration\n` +
      `  client ${args["client-id"]}, users ${demoUsers.map((user) => user.username).join(", ")}\n`,
  );
}

main().catch((err: unknown) => {
  log(`failed to start: ${err instanceof Error ? err.message : String(err)}`);
  process.exit(1);
});

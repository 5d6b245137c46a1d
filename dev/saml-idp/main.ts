/**
 * CLI for the demo SAML 2.0 identity provider (never production):
 *
 *   tsx dev/saml-idp/main.ts --port 3200 --sp-entity-id http://localhost:3000/saml/metadata \
 *     --acs-url http://localhost:3000/api/auth/saml/acs [--slo-url http://localhost:3000/api/auth/saml/slo] \
 *     [--idp-initiated] \
 *     [--aws-acs-url http://localhost:3000/api/saml/aws-relay] [--aws-sp-entity-id urn:amazon:webservices] \
 *     [--aws-provider-name gatehouse-demo-idp] [--host 127.0.0.1] [--public-host localhost] \
 *     [--groups-attribute groups] [--title "Corp Identity (demo) — SAML"] [--session-seconds 28800] \
 *     [--unsigned-response]
 *
 * Signs in the demo users from dev/demo-users.ts to the portal-login app ("gatehouse") and, with
 * --aws-acs-url, the AWS app ("aws", AWS-targeted assertions POSTed to the portal's relay). Keys
 * are generated per process. Prints one "listening" line once its metadata answers, so a
 * supervisor can wait for it. Exits 0 on SIGINT/SIGTERM, 2 on bad arguments.
 */
import { z } from "zod";

import { parseCommandLine, probeHostFor, stopOnSignals } from "../cli-support";
import { demoUsers } from "../demo-users";
import { installProcessGuards } from "../oidc-idp/process-guards";
import { writeToStderr as log } from "./log";
import { awsDemoApp, startSamlIdp, type SamlIdp, type SamlIdpApp } from "./server";

const url = z.url({ protocol: /^https?$/ });
const Args = z.object({
  port: z.coerce.number().int().min(0).max(65535).default(3200),
  host: z.string().min(1).default("127.0.0.1"),
  "public-host": z.string().min(1).default("localhost"),
  "sp-entity-id": z.string().min(1),
  "acs-url": url,
  "slo-url": url.optional(),
  "idp-initiated": z.boolean().default(false),
  "aws-acs-url": url.optional(),
  "aws-sp-entity-id": z.string().min(1).optional(),
  "aws-provider-name": z.string().min(1).optional(),
  "groups-attribute": z.string().min(1).optional(),
  title: z.string().min(1).optional(),
  "session-seconds": z.coerce.number().int().min(60).optional(),
  "unsigned-response": z.boolean().default(false),
});

const OPTIONS = {
  port: { type: "string" },
  host: { type: "string" },
  "public-host": { type: "string" },
  "sp-entity-id": { type: "string" },
  "acs-url": { type: "string" },
  "slo-url": { type: "string" },
  "idp-initiated": { type: "boolean" },
  "aws-acs-url": { type: "string" },
  "aws-sp-entity-id": { type: "string" },
  "aws-provider-name": { type: "string" },
  "groups-attribute": { type: "string" },
  title: { type: "string" },
  "session-seconds": { type: "string" },
  "unsigned-response": { type: "boolean" },
} as const;

const USAGE =
  "usage: tsx dev/saml-idp/main.ts --port 3200 --sp-entity-id <entity id> --acs-url <url> " +
  "[--slo-url <url>] [--idp-initiated] [--aws-acs-url <url>] [--aws-sp-entity-id <id>] [--aws-provider-name <name>] " +
  "[--host 127.0.0.1] [--public-host localhost] [--groups-attribute groups] [--title <text>] " +
  "[--session-seconds 28800] [--unsigned-response]";

/** Fetches the metadata through the listening socket, so "listening" is printed only when it is true. */
async function checkMetadata(idp: SamlIdp, host: string): Promise<void> {
  const probeHost = probeHostFor(host);
  const response = await fetch(`http://${probeHost}:${new URL(idp.url).port}/saml/metadata`);
  const body = await response.text();
  if (!response.ok || !body.includes(`entityID="${idp.entityId}"`)) {
    throw new Error(`metadata self-check failed (HTTP ${response.status})`);
  }
}

async function main(): Promise<void> {
  installProcessGuards(log);
  const args = parseCommandLine(Args, OPTIONS, USAGE, log);
  const apps: SamlIdpApp[] = [
    {
      id: "gatehouse",
      name: "Gatehouse",
      spEntityId: args["sp-entity-id"],
      acsUrl: args["acs-url"],
      ...(args["slo-url"] ? { sloUrl: args["slo-url"] } : {}),
      allowIdpInitiated: args["idp-initiated"],
    },
  ];
  if (args["aws-acs-url"]) {
    apps.push(
      awsDemoApp({
        acsUrl: args["aws-acs-url"],
        spEntityId: args["aws-sp-entity-id"],
        providerName: args["aws-provider-name"],
      }),
    );
  }
  const idp = await startSamlIdp({
    port: args.port,
    host: args.host,
    publicHost: args["public-host"],
    users: demoUsers,
    apps,
    groupsAttribute: args["groups-attribute"],
    title: args.title,
    sessionNotOnOrAfterSeconds: args["session-seconds"],
    signResponse: !args["unsigned-response"],
  });
  stopOnSignals(idp, log);
  await checkMetadata(idp, args.host);
  process.stdout.write(
    `saml-idp listening on ${args.host}:${new URL(idp.url).port}, entityID ${idp.entityId}\n` +
      `  metadata ${idp.metadataUrl}\n  SSO ${idp.ssoUrl}\n  SLO ${idp.sloUrl ?? "none"}\n  dashboard ${idp.url}/\n` +
      `  apps ${apps.map((app) => app.id).join(", ")}, users ${demoUsers.map((user) => user.username).join(", ")}\n`,
  );
}

main().catch((err: unknown) => {
  log(`failed to start: ${err instanceof Error ? err.message : String(err)}`);
  process.exit(1);
});

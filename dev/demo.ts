// `npm run demo`: the whole product on one machine, offline. Starts the local AWS stand-in (STS +
// console federation), the demo OIDC identity provider and the portal (SQLite under data/), with
// seeded demo data, then says where to go and who can sign in.
import { randomBytes } from "node:crypto";
import fs from "node:fs";
import path from "node:path";
import { migrateDatabase } from "../prisma/migrate-database";
import { seedDemo } from "../prisma/seed-demo";
import { createDb } from "../lib/db/client";
import { startAwsStandin } from "./aws-standin/server";
import {
  demoAwsWorld,
  registerDemoSamlIdp,
  registerDemoSamlProviders,
  startDemoSamlIdp,
} from "./demo-saml";
import { demoUsers } from "./demo-users";
import { DEMO_DEFAULT_REGION } from "./demo-world";
import {
  demoClientRegistration,
  ROOT,
  buildPortal,
  isBuildStale,
  localPortalEnv,
  startPortal,
} from "./local-stack";
import { isPortFree } from "./ports";
import { installProcessGuards } from "./oidc-idp/process-guards";
import { startOidcIdp } from "./oidc-idp/server";

const PORTAL_PORT = Number(process.env.GATEHOUSE_DEMO_PORT || 3000);
const IDP_PORT = Number(process.env.GATEHOUSE_DEMO_IDP_PORT || 3100);
const AWS_PORT = Number(process.env.GATEHOUSE_DEMO_AWS_PORT || 3200);
const SAML_IDP_PORT = Number(process.env.GATEHOUSE_DEMO_SAML_PORT || 3300);
const DATA_DIR = path.join(ROOT, "data");
/** The stand-in's pretend regional STS endpoints, in the order the portal tries them. */
const DEMO_STS_REGIONS = ["us-east-1", "us-west-2", "eu-west-1"];

/** The demo keeps its session-signing secret across restarts so a restart doesn't sign you out. */
function demoAuthSecret(): string {
  const file = path.join(DATA_DIR, "demo-auth-secret");
  if (!fs.existsSync(file))
    fs.writeFileSync(file, randomBytes(32).toString("base64url"), { mode: 0o600 });
  return fs.readFileSync(file, "utf8").trim();
}

async function main(): Promise<void> {
  // The stand-ins run in this process: a broken stdout pipe or a stray rejection must not take the
  // demo down silently (a local IdP has been seen to vanish after a login).
  installProcessGuards((line) => console.error(line));
  for (const [name, port, setting] of [
    ["portal", PORTAL_PORT, "GATEHOUSE_DEMO_PORT"],
    ["identity provider", IDP_PORT, "GATEHOUSE_DEMO_IDP_PORT"],
    ["AWS stand-in", AWS_PORT, "GATEHOUSE_DEMO_AWS_PORT"],
    ["SAML identity provider", SAML_IDP_PORT, "GATEHOUSE_DEMO_SAML_PORT"],
  ] as const) {
    if (!(await isPortFree(port))) {
      throw new Error(
        `port ${port} (${name}) is in use: stop whatever runs there, or set ${setting} to another port`,
      );
    }
  }
  fs.mkdirSync(DATA_DIR, { recursive: true });
  const portalUrl = `http://localhost:${PORTAL_PORT}`;
  const issuer = `http://localhost:${IDP_PORT}`;
  const databaseUrl = "file:./data/demo.db";

  step("Preparing the database (data/demo.db)");
  migrateDatabase(databaseUrl, { quiet: true });
  const db = createDb(databaseUrl);
  const seed = await seedDemo(db, { issuer });
  if (seed.seeded)
    step(`Seeded ${seed.accounts} AWS accounts, ${seed.roles} roles, ${seed.rules} access rules`);

  step("Starting the AWS stand-in (STS + console federation)");
  // Three "regional" STS endpoints, so failover can be tried (POST /__standin/faults).
  const aws = await startAwsStandin({
    world: demoAwsWorld(),
    port: AWS_PORT,
    host: "127.0.0.1",
    stsEndpointNames: DEMO_STS_REGIONS,
  });
  // Each named after the region it stands for, and signed for it (GATEHOUSE_STS_ENDPOINTS form
  // `<region>=<URL>`).
  const stsEndpoints = DEMO_STS_REGIONS.map(
    (name) => `${name}=${aws.stsEndpoints[name]!.replace(/\/+$/, "")}`,
  );
  step("Starting the demo identity provider (SAML 2.0)");
  const samlIdp = await startDemoSamlIdp({ portalUrl, port: SAML_IDP_PORT });
  await registerDemoSamlIdp(db, samlIdp);
  registerDemoSamlProviders(aws, samlIdp);
  await db.$disconnect();
  step("Starting the demo identity provider (OIDC)");
  const idp = await startOidcIdp({
    port: IDP_PORT,
    users: demoUsers,
    clients: [demoClientRegistration(portalUrl)],
  });

  if (isBuildStale()) {
    step("Building the portal (first run or sources changed; about a minute)");
    await buildPortal();
  }
  step("Starting the portal");
  const portal = await startPortal({
    port: PORTAL_PORT,
    inheritOutput: true,
    env: localPortalEnv({
      portalUrl,
      databaseUrl,
      oidcIssuer: issuer,
      stsEndpoint: aws.stsEndpoint,
      federationEndpoint: aws.federationEndpoint,
      authSecret: demoAuthSecret(),
      extra: {
        GATEHOUSE_LOG_LEVEL: "info",
        GATEHOUSE_STS_ENDPOINT: "",
        GATEHOUSE_STS_ENDPOINTS: stsEndpoints.join(","),
      },
    }),
  });

  const width = Math.max(...demoUsers.map((u) => u.username.length));
  // Each STS endpoint refuses a request signed for another region, as AWS's regional ones do: the
  // CLI credentials' exports name the region they were issued for (DEMO_DEFAULT_REGION unless
  // another is picked), so `aws sts …` needs that region's endpoint, not the main listener's.
  const defaultRegionSts = aws.stsEndpoints[DEMO_DEFAULT_REGION] ?? aws.stsEndpoint;
  console.log(`
  Gatehouse demo is running.

    Portal              ${portalUrl}
    Identity provider   ${idp.issuer}   (OIDC, its own login page)
    SAML IdP            ${samlIdp.url}   (SAML 2.0: "Sign in with Corp Identity (demo) (SAML)"; AWS app for SAML-federated roles)
    SP metadata         ${portalUrl}/api/auth/saml/metadata
    AWS stand-in        ${aws.url}   (STS for us-east-1 + console federation; never real AWS)
    STS ${DEMO_DEFAULT_REGION.padEnd(15)} ${defaultRegionSts}   (the region CLI credentials are for unless you pick another)

  Demo users (password in the second column):
${demoUsers
  .map(
    (u) =>
      `    ${u.username.padEnd(width)}  ${u.password.padEnd(22)} ${u.groups.length ? `groups: ${u.groups.join(", ")}` : "in no group: sees the no-access page"}`,
  )
  .join("\n")}

  Try more:
    Deep link     ${portalUrl}/console?account=acme-production&role=ReadOnly&region=eu-central-1&destination=ec2
    Broker MFA    alice → Admin → Broker → unlock; the virtual device's code: curl -s ${aws.url}/__standin/mfa-codes
                  (then acme-production / BreakGlass can be opened)
    STS failover  STS endpoints ${DEMO_STS_REGIONS.join(" → ")}; make the first one refuse connections:
                  curl -s -XPOST ${aws.url}/__standin/faults -d '{"endpoint":"us-east-1","fault":{"refuseConnections":true}}'
                  (Admin → Broker shows each endpoint's health; "fault":null restores it)
    Command line  npx gatehouse login --portal ${portalUrl}     (approve the code in the browser)
                  npx gatehouse ls
                  npx gatehouse creds acme-staging/Developer
                  npx gatehouse exec acme-staging/Developer -- aws sts get-caller-identity --endpoint-url ${defaultRegionSts}
                  npx gatehouse setup-profiles --dry-run       (profiles with credential_process)

  Press Ctrl+C to stop.
`);

  let stopping = false;
  const stop = async (code: number) => {
    if (stopping) return;
    stopping = true;
    await portal.stop();
    await Promise.allSettled([idp.close(), aws.close(), samlIdp.close()]);
    process.exit(code);
  };
  portal.process.on("exit", (code) => {
    if (!stopping) {
      console.error(`\nThe portal stopped (exit code ${code}); shutting the demo down.`);
      void stop(1);
    }
  });
  process.on("SIGINT", () => void stop(0));
  process.on("SIGTERM", () => void stop(0));
}

function step(message: string): void {
  console.log(`• ${message}`);
}

main().catch((error: unknown) => {
  console.error(
    `\nThe demo could not start: ${error instanceof Error ? error.message : String(error)}`,
  );
  process.exit(1);
});

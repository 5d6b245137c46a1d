// Starts the portal (the production build, `next start`) wired to local stand-ins. Shared by
// `npm run demo` and the test harness so both run the same thing.
import { spawn, type ChildProcess } from "node:child_process";
import fs from "node:fs";
import path from "node:path";
import { ADMIN_GROUP, AUDITOR_GROUP } from "./demo-users";
import {
  demoBroker,
  demoDiscoveryOrganizationRoleArn,
  DEMO_DEFAULT_REGION,
  DEMO_DISCOVERY_ROLE_NAME,
} from "./demo-world";
import { DEFAULT_MAX_HEAP_MB } from "../lib/config/schema";
import { bundleServer, SERVER_BUNDLE } from "./server-bundle";

export const ROOT = path.resolve(__dirname, "..");
export const DEMO_CLIENT_ID = "gatehouse-demo";
export const DEMO_CLIENT_SECRET = "demo-client-secret-not-for-production";

/** The portal's client registration at the demo IdP, for a portal served at portalUrl. */
export function demoClientRegistration(portalUrl: string) {
  return {
    clientId: DEMO_CLIENT_ID,
    clientSecret: DEMO_CLIENT_SECRET,
    redirectUris: [`${portalUrl}/api/auth/callback/oidc`],
    // RP-initiated logout returns here (lib/auth/oidc-end-session.ts): registered exactly.
    postLogoutRedirectUris: [`${portalUrl}/signin?signedOut=1`],
  };
}

export interface PortalEnvOptions {
  portalUrl: string;
  databaseUrl: string;
  oidcIssuer: string;
  stsEndpoint: string;
  federationEndpoint: string;
  authSecret: string;
  extra?: Record<string, string>;
}

/** The stand-in's base URL: it serves STS, Organizations and IAM on one listener. */
function awsBaseUrl(stsEndpoint: string): string {
  return new URL(stsEndpoint).origin;
}

/** The settings a portal needs to run against the local stand-ins (see .env.example). */
export function localPortalEnv(o: PortalEnvOptions): Record<string, string> {
  return {
    NEXT_TELEMETRY_DISABLED: "1",
    DATABASE_URL: o.databaseUrl,
    NEXTAUTH_URL: o.portalUrl,
    NEXTAUTH_SECRET: o.authSecret,
    OIDC_ISSUER: o.oidcIssuer,
    OIDC_CLIENT_ID: DEMO_CLIENT_ID,
    OIDC_CLIENT_SECRET: DEMO_CLIENT_SECRET,
    OIDC_DISPLAY_NAME: "Corp Identity (demo)",
    OIDC_SCOPES: "openid profile email groups",
    GATEHOUSE_ADMIN_GROUP: ADMIN_GROUP,
    GATEHOUSE_AUDITOR_GROUP: AUDITOR_GROUP,
    GATEHOUSE_ACCESS_CONTACT: "the Cloud Platform team (#aws-access on Slack)",
    GATEHOUSE_DEFAULT_REGION: DEMO_DEFAULT_REGION,
    AWS_REGION: "us-east-1",
    // The stand-in's default endpoint stands for us-east-1 and checks the signing region, as AWS.
    GATEHOUSE_STS_ENDPOINT: `us-east-1=${o.stsEndpoint.replace(/\/+$/, "")}`,
    GATEHOUSE_FEDERATION_ENDPOINT: o.federationEndpoint,
    GATEHOUSE_BROKER_ACCESS_KEY_ID: demoBroker.accessKeyId,
    GATEHOUSE_BROKER_SECRET_ACCESS_KEY: demoBroker.secretAccessKey,
    ...(demoBroker.mfaDevice
      ? { GATEHOUSE_BROKER_MFA_SERIAL: demoBroker.mfaDevice.serialNumber }
      : {}),
    // Discovery reads the stand-in's organization (README "Discovering accounts"); nothing runs
    // until an admin presses Discover.
    GATEHOUSE_DISCOVERY_ORGANIZATION_ROLE_ARN: demoDiscoveryOrganizationRoleArn(),
    GATEHOUSE_DISCOVERY_ROLE_NAME: DEMO_DISCOVERY_ROLE_NAME,
    GATEHOUSE_DISCOVERY_ORGANIZATIONS_ENDPOINT: awsBaseUrl(o.stsEndpoint),
    GATEHOUSE_DISCOVERY_IAM_ENDPOINT: awsBaseUrl(o.stsEndpoint),
    GATEHOUSE_DISCOVERY_OU_ENVIRONMENTS: "Prod=prod,NonProd=dev,Sandbox=sandbox,Security=security",
    GATEHOUSE_LOG_LEVEL: "warn",
    ...o.extra,
  };
}

const BUILD_INPUTS = [
  "app",
  "components",
  "lib",
  "proxy.ts",
  "instrumentation.ts",
  "next.config.js",
  "package-lock.json",
  "postcss.config.mjs",
  "server.ts",
];

function newestMtime(entry: string): number {
  const full = path.join(ROOT, entry);
  if (!fs.existsSync(full)) return 0;
  const stat = fs.statSync(full);
  if (!stat.isDirectory()) return stat.mtimeMs;
  let newest = stat.mtimeMs;
  for (const child of fs.readdirSync(full))
    newest = Math.max(newest, newestMtime(path.join(entry, child)));
  return newest;
}

/** Whether `next build` must run: no build yet, or a source file changed since the last one. */
export function isBuildStale(): boolean {
  const buildId = path.join(ROOT, ".next", "BUILD_ID");
  if (!fs.existsSync(buildId) || !fs.existsSync(SERVER_BUNDLE)) return true;
  const builtAt = fs.statSync(buildId).mtimeMs;
  return BUILD_INPUTS.some((entry) => newestMtime(entry) > builtAt);
}

const NEXT_BIN = path.join(ROOT, "node_modules", "next", "dist", "bin", "next");

export function buildPortal(opts: { quiet?: boolean } = {}): Promise<void> {
  return new Promise<void>((resolve, reject) => {
    const child = spawn(process.execPath, [NEXT_BIN, "build"], {
      cwd: ROOT,
      env: { ...process.env, NEXT_TELEMETRY_DISABLED: "1" },
      stdio: opts.quiet ? ["ignore", "pipe", "pipe"] : "inherit",
    });
    let output = "";
    child.stdout?.on("data", (d: Buffer) => (output += d.toString()));
    child.stderr?.on("data", (d: Buffer) => (output += d.toString()));
    child.on("exit", (code) =>
      code === 0 ? resolve() : reject(new Error(`next build failed (exit ${code})\n${output}`)),
    );
  }).then(bundleServer);
}

export interface RunningPortal {
  url: string;
  /** The server's process. */
  process: ChildProcess;
  /** The server's process id, as it announced when it began to listen. */
  serverPid(): number;
  /** Everything the server printed, for diagnosing a failed test. */
  output(): string;
  stop(): Promise<void>;
}

/** Starts the production server (server.ts, compiled by `buildPortal`) on a port with the given settings and waits until /api/health answers. */
export async function startPortal(opts: {
  port: number;
  env: Record<string, string>;
  inheritOutput?: boolean;
  /** Extra flags for node itself (e.g. --cpu-prof, which NODE_OPTIONS does not take). */
  nodeArgs?: string[];
  /** Another checkout whose build to run (a benchmark comparing two builds); this one by default. */
  projectDir?: string;
}): Promise<RunningPortal> {
  const projectDir = opts.projectDir ?? ROOT;
  // The heap limit `npm start` sets (package.json), so that every test runs under it.
  const heapMb = opts.env.GATEHOUSE_MAX_HEAP_MB ?? String(DEFAULT_MAX_HEAP_MB);
  const args = [
    `--max-old-space-size=${heapMb}`,
    ...(opts.nodeArgs ?? []),
    "--conditions=react-server",
    path.join(projectDir, path.relative(ROOT, SERVER_BUNDLE)),
  ];
  const child = spawn(process.execPath, args, {
    cwd: projectDir,
    env: {
      PATH: process.env.PATH ?? "",
      HOME: process.env.HOME ?? "",
      NODE_ENV: "production",
      PORT: String(opts.port),
      HOST: "127.0.0.1",
      ...opts.env,
    },
    stdio: opts.inheritOutput ? "inherit" : ["ignore", "pipe", "pipe"],
  });
  let output = "";
  // `npm test` keeps every portal's output, to check afterwards that no secret the run issued
  // reached a log (tests/run.ts).
  const logDir = process.env.GATEHOUSE_TEST_LOG_DIR;
  const logFile = logDir
    ? fs.createWriteStream(path.join(logDir, `portal-${opts.port}-${Date.now()}.log`))
    : null;
  const capture = (d: Buffer) => {
    output += d.toString();
    logFile?.write(d);
  };
  child.stdout?.on("data", capture);
  child.stderr?.on("data", capture);
  child.once("exit", () => logFile?.end());
  const url = `http://localhost:${opts.port}`;
  const deadline = Date.now() + 60_000;
  for (;;) {
    if (child.exitCode !== null)
      throw new Error(`portal exited with code ${child.exitCode}:\n${output}`);
    // Ask /api/health only once this child says it listens, so another process that happens to
    // hold the port can never pass for it.
    const saysListening = opts.inheritOutput || output.includes("Gatehouse listening on");
    try {
      const res = saysListening ? await fetch(`http://127.0.0.1:${opts.port}/api/health`) : null;
      if (res?.ok) break;
    } catch {
      // not listening yet
    }
    if (Date.now() > deadline) {
      child.kill("SIGKILL");
      throw new Error(`portal did not become healthy within 60 s:\n${output}`);
    }
    await new Promise((r) => setTimeout(r, 50));
  }
  return {
    url,
    process: child,
    serverPid: () => {
      const pid = /Gatehouse listening on \S+ \(pid (\d+)\)/.exec(output)?.[1];
      if (!pid) throw new Error("the portal has not said which process it is");
      return Number(pid);
    },
    output: () => output,
    stop: () =>
      new Promise<void>((resolve) => {
        if (child.exitCode !== null) return resolve();
        child.once("exit", () => resolve());
        child.kill("SIGTERM");
        setTimeout(() => child.kill("SIGKILL"), 5000).unref();
      }),
  };
}

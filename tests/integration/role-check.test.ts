// "Check a role" (docs/AWS.md): for a role, do what an issuance would with the shortest session,
// never hand out the credentials, and explain in plain words what is missing — here through the
// operators' `npm run doctor`, against the AWS stand-in with roles misconfigured on purpose.
import { spawn } from "node:child_process";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { demoAwsWorld } from "@/dev/demo-saml";
import { localPortalEnv, ROOT, DEMO_CLIENT_SECRET } from "@/dev/local-stack";
import { parseDetails } from "../support/portal-assertions";
import { startTestStack, type TestStack } from "../support/stack";
import { operatorCommand } from "@/tests/support/operator-command";

let stack: TestStack;

beforeAll(async () => {
  const world = demoAwsWorld();
  const staging = world.accounts.find((a) => a.id === "345678901234")!;
  const sandbox = world.accounts.find((a) => a.id === "456789012345")!;
  // Trusts the broker but not to set a source identity / to tag the session.
  Object.assign(
    staging.roles.find((r) => r.name === "Administrator")!,
    { allowsSourceIdentity: false },
  );
  Object.assign(
    sandbox.roles.find((r) => r.name === "Developer")!,
    { allowsTagSession: false },
  );
  // IAM allows this role one hour; Gatehouse will be told twelve (below).
  Object.assign(
    sandbox.roles.find((r) => r.name === "DataScience")!,
    { maxSessionDurationSeconds: 3600 },
  );
  stack = await startTestStack({ world });
  await stack.db.role.updateMany({
    where: { name: "DataScience" },
    data: { maxSessionDurationSeconds: 43_200 },
  });
});
afterAll(async () => {
  await stack?.stop();
});

interface DoctorRun {
  code: number;
  stdout: string;
  stderr: string;
}

function doctor(...args: string[]): Promise<DoctorRun> {
  const env = localPortalEnv({
    portalUrl: stack.portalUrl,
    databaseUrl: stack.databaseUrl,
    oidcIssuer: stack.idp.issuer,
    stsEndpoint: stack.aws.stsEndpoint,
    federationEndpoint: stack.aws.federationEndpoint,
    authSecret: DEMO_CLIENT_SECRET.padEnd(44, "x"),
    extra: { GATEHOUSE_SESSION_TAGS: "Team=team" },
  });
  return new Promise((resolve) => {
    const doctor = operatorCommand("doctor", args);
    const child = spawn(doctor.command, doctor.args, {
      cwd: ROOT,
      env: {
        NODE_ENV: "production",
        PATH: process.env.PATH ?? "",
        HOME: process.env.HOME ?? "",
        ...env,
      },
    });
    let stdout = "";
    let stderr = "";
    child.stdout.on("data", (d: Buffer) => (stdout += d.toString()));
    child.stderr.on("data", (d: Buffer) => (stderr += d.toString()));
    child.on("close", (code) => resolve({ code: code ?? -1, stdout, stderr }));
  });
}

describe("npm run doctor -- <account>/<role>", () => {
  it("a role set up right can be issued: exit 0, and the credentials are nowhere in the output", async () => {
    const run = await doctor("acme-staging/Developer");
    expect(run.code, run.stderr).toBe(0);
    expect(run.stdout).toContain("arn:aws:iam::345678901234:role/Developer: can be issued");
    expect(run.stdout).toMatch(/ok\s+trust: The broker assumed the role as an issuance would/);
    expect(run.stdout).not.toMatch(/ASIA[A-Z0-9]{16}|SecretAccessKey|SessionToken/);
  });

  it.each([
    [
      "a trust policy that does not name the broker",
      "acme-security/LegacyOps",
      /PROBLEM trust: The broker may not assume this role.*trust policy allows sts:AssumeRole for arn:aws:iam::\d{12}:user\//,
    ],
    [
      "no sts:SetSourceIdentity (account named by its alias)",
      "acme-stg/Administrator",
      /PROBLEM trust: Gatehouse sets a SourceIdentity on every session.*allow sts:SetSourceIdentity .* in the role's trust policy AND in the broker's own permission policy/,
    ],
    [
      "no sts:TagSession with session tags configured (account named by its id)",
      "456789012345/Developer",
      /PROBLEM trust: Gatehouse passes session tags.*allow sts:TagSession/,
    ],
    [
      "IAM's MaxSessionDuration below what Gatehouse may ask",
      "acme-sandbox/DataScience",
      /PROBLEM max-session-duration: The role's MaxSessionDuration in IAM is shorter than the 7200 s/,
    ],
  ])("%s: exit 1 and what to change", async (_case, role, explanation) => {
    const run = await doctor(role);
    expect(run.code, run.stderr).toBe(1);
    expect(run.stdout).toMatch(/CAN'T be issued as configured/);
    expect(run.stdout).toMatch(explanation);
  });

  it("a role through the IdP's AWS app is not checked with the broker, and says why", async () => {
    const run = await doctor("acme-production/FederatedReadOnly");
    expect(run.code).toBe(0);
    expect(run.stdout).toMatch(/skipped trust: This role is assumed with SAML/);
  });

  it.each([
    ["no such role", "acme-staging/NoSuchRole", /no role acme-staging\/NoSuchRole/],
    ["not <account>/<role>", "Developer", /no role Developer/],
  ])("%s: exit 2", async (_case, role, message) => {
    const run = await doctor(role);
    expect(run.code).toBe(2);
    expect(run.stderr).toMatch(message);
  });

  it("every check is in the audit log with its verdicts, via the CLI", async () => {
    const rows = await stack.db.auditEvent.findMany({
      where: {
        action: "admin.role.checked",
        roleArn: "arn:aws:iam::210987654321:role/FederatedReadOnly",
      },
    });
    expect(rows.length).toBeGreaterThanOrEqual(1);
    expect(rows.at(-1)).toMatchObject({ actorIssuer: "cli", outcome: "success" });
    expect(parseDetails(rows.at(-1)!.detailsJson)).toMatchObject({ via: "cli", ok: true });
  });
});

// `npm run doctor -- <account>/<role>`: "Check a role" for operators without a browser. Does what
// an issuance would for the role (AssumeRole with SourceIdentity, session tags, the rules' session
// policy and the ExternalId, for 15 minutes; then the longest session a rule allows), discards the
// credentials, and prints what is missing in plain words (docs/AWS.md "Check a role"). Reads the
// same settings as the portal (DATABASE_URL, AWS_REGION, GATEHOUSE_STS_ENDPOINTS, broker keys …).
// The check is recorded in the audit log (admin.role.checked, via "cli").
//
// <account> is the account's id, name or alias; <role> the role's name. Exit 0: the role can be
// issued. 1: it can't (the reasons are printed). 2: the check could not run — bad usage, settings,
// no such role, or an unexpected error (not 1: that would tell a script the role is misconfigured).
import { randomUUID } from "node:crypto";
import os from "node:os";
import { parseArgs } from "node:util";
import { findRoleByPath, runRoleCheck } from "../lib/admin/role-check";
import { createStsBroker } from "../lib/aws/sts-broker";
import { ConfigError, loadConfig } from "../lib/config/load-config";
import { createDb } from "../lib/db/client";
import { exitWhenWritten } from "./exit-when-written";

const MARK = { ok: "ok     ", problem: "PROBLEM", "not-checked": "skipped" } as const;

async function main(): Promise<number> {
  const { positionals, values } = parseArgs({
    allowPositionals: true,
    options: { json: { type: "boolean", default: false } },
    strict: true,
  });
  if (positionals.length !== 1) {
    process.stderr.write(
      "usage: npm run doctor -- <account id, name or alias>/<role name> [--json]\n",
    );
    return 2;
  }
  let config;
  try {
    config = loadConfig(process.env);
  } catch (error) {
    if (error instanceof ConfigError) {
      process.stderr.write(`${error.message}\n`);
      return 2;
    }
    throw error;
  }
  const db = createDb(config.databaseUrl);
  try {
    const found = await findRoleByPath(db, positionals[0]!);
    if (found === null) {
      process.stderr.write(
        `no role ${positionals[0]} in Gatehouse (account id, name or alias / role name)\n`,
      );
      return 2;
    }
    if ("ambiguous" in found) {
      process.stderr.write(
        `${positionals[0]} names several roles; use the account id:\n  ${found.ambiguous.join("\n  ")}\n`,
      );
      return 2;
    }
    const operator = `${os.userInfo().username}@${os.hostname()}`.slice(0, 128);
    const report = await runRoleCheck(
      { db, broker: createStsBroker(config.aws), config },
      found.id,
      {
        // The same shape as a portal user's: a valid RoleSessionName and SourceIdentity.
        identity: { roleSessionName: "gatehouse-doctor", sourceIdentity: "gatehouse-doctor" },
        actor: { userId: null, issuer: "cli", subject: operator, email: null, groups: null },
        meta: { requestId: randomUUID(), ip: null, userAgent: "gatehouse doctor (cli)" },
        via: "cli",
      },
    );
    if (!report) return 2;
    if (values.json) process.stdout.write(`${JSON.stringify(report, null, 2)}\n`);
    else {
      process.stdout.write(
        `${report.roleArn}: ${report.ok ? "can be issued" : "CAN'T be issued as configured"}\n`,
      );
      for (const f of report.findings)
        process.stdout.write(
          `  ${MARK[f.verdict]} ${f.check}: ${f.explanation}${f.awsErrorCode ? ` (${f.awsErrorCode})` : ""}\n`,
        );
    }
    return report.ok ? 0 : 1;
  } finally {
    await db.$disconnect();
  }
}

main().then(
  (code) => exitWhenWritten(code),
  (error: unknown) => {
    process.stderr.write(
      `doctor: could not check: ${error instanceof Error ? error.message : String(error)}\n`,
    );
    exitWhenWritten(2);
  },
);

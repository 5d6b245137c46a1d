// `npm run discover -- [--apply] [--json]`: account and role discovery for operators
// (docs/DISCOVERY.md). Reads AWS Organizations and each account's roles through the read-only
// discovery roles, with the portal's own settings (DATABASE_URL, AWS_REGION, the broker's keys,
// GATEHOUSE_DISCOVERY_*), and prints the same diff the Discover page shows. Nothing changes without
// --apply, which applies every change (each re-checked against the database). The run and the apply
// are recorded in the audit log like the page's. Exit 0: done. 1: the run failed, or an unexpected
// error stopped it. 2: could not run (bad usage, settings, discovery not configured or refused).
import { parseArgs } from "node:util";
import { createStsBroker } from "../lib/aws/sts-broker";
import { ConfigError, loadConfig } from "../lib/config/load-config";
import { createDb } from "../lib/db/client";
import { applyDiscoveryChanges } from "../lib/discovery/apply";
import { describeChange } from "../lib/discovery/describe-change";
import { runDiscovery, systemStart } from "../lib/discovery/run-discovery";
import { parseRunChanges } from "../lib/discovery/run-record";
import { getDiscoveryRun } from "../lib/discovery/runs";
import { SYSTEM_ACTOR } from "../lib/audit/write-audit-event";
import { isAppError } from "../lib/errors";
import { exitWhenWritten } from "./exit-when-written";

async function main(): Promise<number> {
  let values;
  try {
    ({ values } = parseArgs({
      options: {
        apply: { type: "boolean", default: false },
        json: { type: "boolean", default: false },
      },
      strict: true,
    }));
  } catch (error) {
    process.stderr.write(
      `${(error as Error).message}\nusage: npm run discover -- [--apply] [--json]\n`,
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
  if (!config.discovery) {
    process.stderr.write(
      'discovery is not configured: set GATEHOUSE_DISCOVERY_ORGANIZATION_ROLE_ARN (README "Discovering accounts")\n',
    );
    return 2;
  }
  const db = createDb(config.databaseUrl);
  const now = () => new Date();
  try {
    const by = systemStart("cli");
    const started = Date.now();
    let runId: string;
    try {
      runId = await runDiscovery({ db, broker: createStsBroker(config.aws), config, now }, by);
    } catch (error) {
      if (isAppError(error)) {
        process.stderr.write(`${error.publicMessage}\n`);
        return 2;
      }
      throw error;
    }
    // The summary and notices from the run's view; every change read once from its row.
    const run = await getDiscoveryRun(db, runId, now(), { limit: 1 });
    const stored = await db.discoveryRun.findUniqueOrThrow({
      where: { id: runId },
      select: { changesJson: true },
    });
    const all = parseRunChanges(stored.changesJson);
    const seconds = ((Date.now() - started) / 1000).toFixed(1);
    if (run.status !== "complete") {
      process.stderr.write(`discovery ${run.status}: ${run.error}\n`);
      return 1;
    }
    let applied = null;
    if (values.apply && all.length > 0)
      applied = await applyDiscoveryChanges(db, {
        runId,
        selection: { all: true },
        actor: SYSTEM_ACTOR,
        actorLabel: "cli",
        meta: by.meta,
        now: now(),
      });
    if (values.json) {
      process.stdout.write(
        `${JSON.stringify({ runId, seconds: Number(seconds), accounts: run.accountsTotal, roles: run.rolesSeen, awsCalls: run.awsCalls, retries: run.retries, changes: all, notices: run.notices, applied }, null, 2)}\n`,
      );
      return 0;
    }
    process.stdout.write(
      `discovery ${runId}: ${run.accountsTotal} accounts, ${run.rolesSeen} roles read in ${seconds} s (${run.awsCalls} AWS calls, ${run.retries} retried)\n`,
    );
    if (all.length === 0) process.stdout.write("no changes: Gatehouse matches AWS\n");
    for (const change of all) process.stdout.write(`${describeChange(change)}\n`);
    for (const notice of run.notices)
      process.stdout.write(
        `note: ${notice.accountId ? `${notice.accountId}: ` : ""}${notice.message}\n`,
      );
    if (applied) {
      process.stdout.write(`applied ${applied.applied.length} change(s)\n`);
      for (const s of applied.skipped) process.stdout.write(`skipped ${s.key}: ${s.reason}\n`);
    } else if (all.length > 0) {
      process.stdout.write(
        "dry run: nothing changed (add --apply, or review it under Admin → Accounts → Discover)\n",
      );
    }
    return 0;
  } finally {
    await db.$disconnect();
  }
}

main().then(
  (code) => exitWhenWritten(code),
  (error: unknown) => {
    process.stderr.write(
      `discover failed: ${error instanceof Error ? error.message : String(error)}\n`,
    );
    exitWhenWritten(1);
  },
);

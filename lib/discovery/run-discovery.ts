import "server-only";
/**
 * One discovery run from start to stored diff (docs/DISCOVERY.md): claim the run (one at a time
 * across replicas), read AWS through the discovery roles with bounded retries, write progress as
 * it goes, then store the changes and notices for review. Started, completed and failed runs are
 * audited. The run executes in the process that started it; a run whose heartbeat stops (the
 * process died) reads as interrupted and no longer blocks the next one.
 */
import { randomUUID } from "node:crypto";
import type { Db } from "@/lib/db/client";
import { idMaker } from "@/lib/config-as-code/insert-rows";
import type { AppConfig, DiscoveryConfig } from "@/lib/config";
import type { StsBroker } from "@/lib/aws/sts-broker-api";
import { ASSUMED_ROLE_ARN_PATTERN } from "@/lib/aws/partitions";
import { writeAuditEvent, SYSTEM_ACTOR, type AuditActor } from "@/lib/audit/write-audit-event";
import { AppError } from "@/lib/errors";
import { log } from "@/lib/log";
import type { RequestMeta } from "@/lib/request-meta";
import { diffDiscovery } from "./diff";
import { readKnownAccounts } from "./known-state";
import { readOrganization } from "./read-aws";
import { DiscoveryReadError } from "./read-dependencies";
import {
  DEFAULT_RETRY_TIMING,
  describeAwsError,
  type RetryCounters,
  type RetryPolicy,
} from "./retry";

/** A running run whose heartbeat is older than this is taken as interrupted. */
export const HEARTBEAT_STALE_MS = 120_000;
/** How long the discovery roles' sessions last: AWS's minimum, as a run needs no more. */
const DISCOVERY_SESSION_SECONDS = 900;
const SESSION_NAME = "gatehouse-discovery";

export type DiscoveryTrigger = "manual" | "schedule" | "cli";

export interface DiscoveryDeps {
  db: Db;
  broker: StsBroker;
  config: Pick<AppConfig, "discovery"> & { aws: Pick<AppConfig["aws"], "partition"> };
  now: () => Date;
  /** Default: real timers. Tests pass one that records and returns at once. */
  sleep?: (ms: number) => Promise<void>;
}

export interface StartedBy {
  trigger: DiscoveryTrigger;
  actor: AuditActor;
  actorPersonId: string | null;
  meta: RequestMeta;
}

/** The discovery settings, or a clear refusal when discovery is not configured. */
export function discoveryConfigOf(config: Pick<AppConfig, "discovery">): DiscoveryConfig {
  if (!config.discovery)
    throw new AppError(
      "validation_error",
      'Discovery is not configured: set GATEHOUSE_DISCOVERY_ORGANIZATION_ROLE_ARN (README "Discovering accounts").',
    );
  return config.discovery;
}

/**
 * Claims a new run, refusing while another one is running (on any replica).
 * @throws AppError conflict naming the run in progress
 */
export async function createDiscoveryRun(deps: DiscoveryDeps, by: StartedBy): Promise<string> {
  discoveryConfigOf(deps.config);
  const now = deps.now();
  const runId = idMaker()();
  const id = await deps.db.$transaction(async (tx) => {
    // The audit event is written first on purpose: appending to the chain updates its head row,
    // which PostgreSQL keeps locked until this transaction ends (lib/audit/write-audit-event.ts).
    // Two claims at once (two admins, two replicas) therefore take turns, and the second one's
    // look for a running run sees the first one's row instead of both creating one. (SQLite runs
    // one write transaction at a time anyway.) A refused claim rolls its event back with it.
    await writeAuditEvent(tx, {
      action: "discovery.started",
      outcome: "success",
      actor: by.actor,
      meta: by.meta,
      details: { runId, trigger: by.trigger },
    });
    const running = await tx.discoveryRun.findFirst({
      where: {
        status: "running",
        heartbeatAt: { gt: new Date(now.getTime() - HEARTBEAT_STALE_MS) },
      },
      select: { id: true, startedAt: true, trigger: true },
    });
    if (running)
      throw new AppError(
        "conflict",
        `A discovery (${running.trigger}) has been running since ${running.startedAt.toISOString()}: wait for it to finish.`,
      );
    // Runs whose process died stop blocking and say so.
    await tx.discoveryRun.updateMany({
      where: { status: "running" },
      data: {
        status: "failed",
        error: "interrupted: the process running it stopped",
        finishedAt: now,
      },
    });
    const run = await tx.discoveryRun.create({
      data: {
        id: runId,
        trigger: by.trigger,
        actorPersonId: by.actorPersonId,
        startedAt: now,
        heartbeatAt: now,
      },
      select: { id: true },
    });
    return run.id;
  });
  return id;
}

/** Reads AWS and stores the run's changes. Never rejects: a failure is stored on the run. */
export async function executeDiscoveryRun(
  deps: DiscoveryDeps,
  runId: string,
  by: StartedBy,
): Promise<void> {
  const config = discoveryConfigOf(deps.config);
  const counters: RetryCounters = { calls: 0, retries: 0 };
  const retry: RetryPolicy = {
    maxAttempts: config.maxAttempts,
    baseMs: config.backoffBaseMs,
    capMs: DEFAULT_RETRY_TIMING.capMs,
    sleep: deps.sleep ?? ((ms) => new Promise((resolve) => setTimeout(resolve, ms))),
    random: Math.random,
  };
  const { db } = deps;
  try {
    const identity = await deps.broker.getBrokerIdentity();
    const assumed = ASSUMED_ROLE_ARN_PATTERN.exec(identity.arn);
    const brokerArn = assumed
      ? `arn:${deps.config.aws.partition}:iam::${assumed[2] ?? identity.account}:role/${assumed[3] ?? ""}`
      : identity.arn;
    let lastWrite = 0;
    const known = await readKnownAccounts(db);
    const knownRoles = new Map(known.map((a) => [a.accountId, a.roles.map((r) => r.name)]));
    const snapshot = await readOrganization({
      config,
      partition: deps.config.aws.partition,
      trust: { brokerArn, brokerAccount: identity.account, partition: deps.config.aws.partition },
      assumeRole: async (roleArn) =>
        (
          await deps.broker.assumeRole({
            roleArn,
            roleSessionName: SESSION_NAME,
            sourceIdentity: SESSION_NAME,
            durationSeconds: DISCOVERY_SESSION_SECONDS,
          })
        ).credentials,
      knownRoleNames: (accountId) => knownRoles.get(accountId) ?? [],
      retry,
      counters,
      onProgress: async (done, total, rolesSeen) => {
        // About a hundred progress writes per run, whatever its size.
        if (done !== total && done - lastWrite < Math.max(1, Math.floor(total / 100))) return;
        lastWrite = done;
        await db.discoveryRun.update({
          where: { id: runId },
          data: {
            accountsDone: done,
            accountsTotal: total,
            rolesSeen,
            awsCalls: counters.calls,
            retries: counters.retries,
            heartbeatAt: deps.now(),
          },
        });
      },
    });
    // Read again: the database may have changed during a long run (apply re-checks anyway).
    const { changes, notices } = diffDiscovery(snapshot, await readKnownAccounts(db), config);
    notices.unshift(...snapshot.malformed);
    if (snapshot.untrustedRoleCount > 0)
      notices.unshift({
        accountId: "",
        message: `${snapshot.untrustedRoleCount} roles trust neither the broker nor a SAML provider: not offered`,
      });
    const finishedAt = deps.now();
    await db.$transaction(async (tx) => {
      await tx.discoveryRun.update({
        where: { id: runId },
        data: {
          status: "complete",
          finishedAt,
          heartbeatAt: finishedAt,
          accountsTotal: snapshot.accounts.length,
          accountsDone: snapshot.accounts.length,
          rolesSeen: snapshot.accounts.reduce((n, a) => n + (a.roles?.length ?? 0), 0),
          awsCalls: counters.calls,
          retries: counters.retries,
          changesJson: JSON.stringify(changes),
          changeCount: changes.length,
          noticesJson: JSON.stringify(notices.slice(0, 2000)),
        },
      });
      await writeAuditEvent(tx, {
        action: "discovery.completed",
        outcome: "success",
        actor: by.actor,
        meta: by.meta,
        details: {
          runId,
          trigger: by.trigger,
          accounts: snapshot.accounts.length,
          changes: changes.length,
          awsCalls: counters.calls,
          retries: counters.retries,
        },
      });
    });
  } catch (error) {
    const message =
      error instanceof DiscoveryReadError
        ? error.message
        : `discovery failed: ${describeAwsError(error)}`;
    log.warn("discovery run failed", { runId, reason: message });
    try {
      const finishedAt = deps.now();
      await db.$transaction(async (tx) => {
        await tx.discoveryRun.update({
          where: { id: runId },
          data: {
            status: "failed",
            error: message.slice(0, 1000),
            finishedAt,
            heartbeatAt: finishedAt,
            awsCalls: counters.calls,
            retries: counters.retries,
          },
        });
        await writeAuditEvent(tx, {
          action: "discovery.failed",
          outcome: "error",
          actor: by.actor,
          meta: by.meta,
          details: { runId, trigger: by.trigger, reason: message.slice(0, 500) },
        });
      });
    } catch (writeError) {
      log.error("could not record a failed discovery run", {
        runId,
        reason: describeAwsError(writeError),
      });
    }
  }
}

/** Starts a run and waits for it (the CLI and the sync). */
export async function runDiscovery(deps: DiscoveryDeps, by: StartedBy): Promise<string> {
  const runId = await createDiscoveryRun(deps, by);
  await executeDiscoveryRun(deps, runId, by);
  return runId;
}

/** The actor and request meta of runs no person started. */
export function systemStart(trigger: "schedule" | "cli"): StartedBy {
  return {
    trigger,
    actor: SYSTEM_ACTOR,
    actorPersonId: null,
    meta: { requestId: `discovery-${randomUUID()}`, ip: null, userAgent: `gatehouse-${trigger}` },
  };
}

import "server-only";
import { randomBytes } from "node:crypto";
import type { Prisma } from "@gatehouse/db-sqlite";
import { currentTime } from "@/lib/clock";
import { boundList, boundSql } from "@/lib/db/bound-sql";
import type { AuditEventInput } from "./audit-event";
import { CHAIN_HEAD_ID } from "./chain-head";
import { computeAuditHash, type ChainedAuditRow } from "./canonical-event";

export async function appendToChain(
  tx: Prisma.TransactionClient,
  input: AuditEventInput,
  id: string,
): Promise<void> {
  // Three plain statements rather than the model API: every issuance writes two events, and a
  // model call costs several times a raw one in CPU (docs/BENCHMARKS.md "Fewer statements per
  // issuance"). Taking the next sequence is the head row's update: on PostgreSQL it locks the row
  // until commit, so a concurrent writer waits here and then sees this event as its predecessor.
  const [head] = await tx.$queryRaw<Array<{ sequence: number | bigint; hash: string }>>`
    UPDATE "AuditChainHead" SET "sequence" = "sequence" + 1 WHERE "id" = ${CHAIN_HEAD_ID}
    RETURNING "sequence", "hash"`;
  if (!head) throw new Error("the audit chain's head row is missing");
  const row: ChainedAuditRow = {
    id,
    sequence: Number(head.sequence),
    prevHash: head.hash,
    // Taken after the lock, so time order follows chain order on one clock.
    createdAt: input.at ?? currentTime(),
    requestId: input.meta.requestId,
    action: input.action,
    outcome: input.outcome,
    actorUserId: input.actor.userId,
    actorIssuer: input.actor.issuer,
    actorSubject: input.actor.subject,
    actorEmail: input.actor.email,
    actorGroupsJson: input.actor.groups ? JSON.stringify(input.actor.groups) : null,
    awsAccountId: input.target?.awsAccountId ?? null,
    roleArn: input.target?.roleArn ?? null,
    roleSessionName: input.target?.roleSessionName ?? null,
    sourceIdentity: input.target?.sourceIdentity ?? null,
    durationSeconds: input.target?.durationSeconds ?? null,
    accessKeyId: input.target?.accessKeyId ?? null,
    ip: input.meta.ip,
    userAgent: input.meta.userAgent,
    detailsJson: JSON.stringify(
      input.meta.cliTokenId !== undefined
        ? { ...input.details, cliTokenId: input.meta.cliTokenId }
        : (input.details ?? {}),
    ),
  };
  const hash = computeAuditHash(head.hash, row);
  const columns = [...Object.keys(row), "hash"].map((name) => `"${name}"`).join(", ");
  await tx.$executeRaw(
    ...boundSql([
      `INSERT INTO "AuditEvent" (${columns}) VALUES (`,
      ...boundList([...Object.values(row), hash]),
      ")",
    ]),
  );
  await tx.$executeRaw`
    UPDATE "AuditChainHead" SET "hash" = ${hash}, "updatedAt" = ${currentTime()}
    WHERE "id" = ${CHAIN_HEAD_ID}`;
}

/** A cuid-shaped id (lowercase letters and digits, 25 characters), chosen here so it is hashed. */
export function newAuditEventId(): string {
  const time = Date.now().toString(36).padStart(9, "0");
  const random = BigInt(`0x${randomBytes(12).toString("hex")}`)
    .toString(36)
    .padStart(19, "0")
    .slice(-15);
  return `c${time}${random}`;
}

-- RedefineTables
PRAGMA defer_foreign_keys=ON;
PRAGMA foreign_keys=OFF;
CREATE TABLE "new_DiscoveryRun" (
    "id" TEXT NOT NULL PRIMARY KEY,
    "trigger" TEXT NOT NULL,
    "actorPersonId" TEXT,
    "status" TEXT NOT NULL DEFAULT 'running',
    "startedAt" DATETIME NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "heartbeatAt" DATETIME NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "finishedAt" DATETIME,
    "accountsTotal" INTEGER NOT NULL DEFAULT 0,
    "accountsDone" INTEGER NOT NULL DEFAULT 0,
    "rolesSeen" INTEGER NOT NULL DEFAULT 0,
    "awsCalls" INTEGER NOT NULL DEFAULT 0,
    "retries" INTEGER NOT NULL DEFAULT 0,
    "error" TEXT NOT NULL DEFAULT '',
    "changesJson" TEXT NOT NULL DEFAULT '[]',
    "noticesJson" TEXT NOT NULL DEFAULT '[]',
    "appliedJson" TEXT NOT NULL DEFAULT '{}',
    "changeCount" INTEGER NOT NULL DEFAULT 0,
    "appliedCount" INTEGER NOT NULL DEFAULT 0,
    "version" INTEGER NOT NULL DEFAULT 1
);
INSERT INTO "new_DiscoveryRun" ("accountsDone", "accountsTotal", "actorPersonId", "appliedJson", "awsCalls", "changesJson", "error", "finishedAt", "heartbeatAt", "id", "noticesJson", "retries", "rolesSeen", "startedAt", "status", "trigger", "version") SELECT "accountsDone", "accountsTotal", "actorPersonId", "appliedJson", "awsCalls", "changesJson", "error", "finishedAt", "heartbeatAt", "id", "noticesJson", "retries", "rolesSeen", "startedAt", "status", "trigger", "version" FROM "DiscoveryRun";
DROP TABLE "DiscoveryRun";
ALTER TABLE "new_DiscoveryRun" RENAME TO "DiscoveryRun";
CREATE INDEX "DiscoveryRun_startedAt_idx" ON "DiscoveryRun"("startedAt");
PRAGMA foreign_keys=ON;
PRAGMA defer_foreign_keys=OFF;


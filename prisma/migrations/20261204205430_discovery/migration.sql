-- CreateTable
CREATE TABLE "DiscoveryRun" (
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
    "version" INTEGER NOT NULL DEFAULT 1
);

-- RedefineTables
PRAGMA defer_foreign_keys=ON;
PRAGMA foreign_keys=OFF;
CREATE TABLE "new_AwsAccount" (
    "id" TEXT NOT NULL PRIMARY KEY,
    "accountId" TEXT NOT NULL,
    "name" TEXT NOT NULL,
    "alias" TEXT NOT NULL DEFAULT '',
    "environment" TEXT NOT NULL,
    "description" TEXT NOT NULL DEFAULT '',
    "tagsJson" TEXT NOT NULL DEFAULT '{}',
    "organizationStatus" TEXT NOT NULL DEFAULT '',
    "organizationPath" TEXT NOT NULL DEFAULT '',
    "discoveredAt" DATETIME,
    "version" INTEGER NOT NULL DEFAULT 1,
    "createdAt" DATETIME NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updatedAt" DATETIME NOT NULL
);
INSERT INTO "new_AwsAccount" ("accountId", "alias", "createdAt", "description", "environment", "id", "name", "tagsJson", "updatedAt", "version") SELECT "accountId", "alias", "createdAt", "description", "environment", "id", "name", "tagsJson", "updatedAt", "version" FROM "AwsAccount";
DROP TABLE "AwsAccount";
ALTER TABLE "new_AwsAccount" RENAME TO "AwsAccount";
CREATE UNIQUE INDEX "AwsAccount_accountId_key" ON "AwsAccount"("accountId");
CREATE TABLE "new_Role" (
    "id" TEXT NOT NULL PRIMARY KEY,
    "awsAccountId" TEXT NOT NULL,
    "name" TEXT NOT NULL,
    "arn" TEXT NOT NULL,
    "description" TEXT NOT NULL DEFAULT '',
    "maxSessionDurationSeconds" INTEGER NOT NULL DEFAULT 3600,
    "assumeMethod" TEXT NOT NULL DEFAULT 'assume-role',
    "samlProviderArn" TEXT,
    "externalId" TEXT,
    "requiresBrokerMfa" BOOLEAN NOT NULL DEFAULT false,
    "missingSince" DATETIME,
    "trustStatus" TEXT NOT NULL DEFAULT '',
    "discoveredAt" DATETIME,
    "version" INTEGER NOT NULL DEFAULT 1,
    "createdAt" DATETIME NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updatedAt" DATETIME NOT NULL,
    CONSTRAINT "Role_awsAccountId_fkey" FOREIGN KEY ("awsAccountId") REFERENCES "AwsAccount" ("id") ON DELETE CASCADE ON UPDATE CASCADE
);
INSERT INTO "new_Role" ("arn", "assumeMethod", "awsAccountId", "createdAt", "description", "externalId", "id", "maxSessionDurationSeconds", "name", "requiresBrokerMfa", "samlProviderArn", "updatedAt", "version") SELECT "arn", "assumeMethod", "awsAccountId", "createdAt", "description", "externalId", "id", "maxSessionDurationSeconds", "name", "requiresBrokerMfa", "samlProviderArn", "updatedAt", "version" FROM "Role";
DROP TABLE "Role";
ALTER TABLE "new_Role" RENAME TO "Role";
CREATE UNIQUE INDEX "Role_arn_key" ON "Role"("arn");
CREATE UNIQUE INDEX "Role_awsAccountId_name_key" ON "Role"("awsAccountId", "name");
PRAGMA foreign_keys=ON;
PRAGMA defer_foreign_keys=OFF;

-- CreateIndex
CREATE INDEX "DiscoveryRun_startedAt_idx" ON "DiscoveryRun"("startedAt");


-- AlterTable
ALTER TABLE "AuditEvent" ADD COLUMN "hash" TEXT;
ALTER TABLE "AuditEvent" ADD COLUMN "prevHash" TEXT;
ALTER TABLE "AuditEvent" ADD COLUMN "sequence" INTEGER;

-- CreateTable
CREATE TABLE "AuditChainHead" (
    "id" INTEGER NOT NULL PRIMARY KEY AUTOINCREMENT,
    "sequence" INTEGER NOT NULL,
    "hash" TEXT NOT NULL,
    "updatedAt" DATETIME NOT NULL
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
    "version" INTEGER NOT NULL DEFAULT 1,
    "createdAt" DATETIME NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updatedAt" DATETIME NOT NULL
);
INSERT INTO "new_AwsAccount" ("accountId", "alias", "createdAt", "description", "environment", "id", "name", "tagsJson", "updatedAt") SELECT "accountId", "alias", "createdAt", "description", "environment", "id", "name", "tagsJson", "updatedAt" FROM "AwsAccount";
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
    "version" INTEGER NOT NULL DEFAULT 1,
    "createdAt" DATETIME NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updatedAt" DATETIME NOT NULL,
    CONSTRAINT "Role_awsAccountId_fkey" FOREIGN KEY ("awsAccountId") REFERENCES "AwsAccount" ("id") ON DELETE CASCADE ON UPDATE CASCADE
);
INSERT INTO "new_Role" ("arn", "assumeMethod", "awsAccountId", "createdAt", "description", "externalId", "id", "maxSessionDurationSeconds", "name", "requiresBrokerMfa", "samlProviderArn", "updatedAt") SELECT "arn", "assumeMethod", "awsAccountId", "createdAt", "description", "externalId", "id", "maxSessionDurationSeconds", "name", "requiresBrokerMfa", "samlProviderArn", "updatedAt" FROM "Role";
DROP TABLE "Role";
ALTER TABLE "new_Role" RENAME TO "Role";
CREATE UNIQUE INDEX "Role_arn_key" ON "Role"("arn");
CREATE UNIQUE INDEX "Role_awsAccountId_name_key" ON "Role"("awsAccountId", "name");
CREATE TABLE "new_AccessRule" (
    "id" TEXT NOT NULL PRIMARY KEY,
    "roleId" TEXT NOT NULL,
    "groupName" TEXT,
    "userId" TEXT,
    "maxSessionDurationSeconds" INTEGER NOT NULL DEFAULT 3600,
    "allowConsole" BOOLEAN NOT NULL DEFAULT true,
    "allowCli" BOOLEAN NOT NULL DEFAULT true,
    "expiresAt" DATETIME,
    "requireMfa" BOOLEAN NOT NULL DEFAULT false,
    "sessionPolicy" TEXT,
    "description" TEXT NOT NULL DEFAULT '',
    "version" INTEGER NOT NULL DEFAULT 1,
    "createdAt" DATETIME NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "createdBy" TEXT,
    "updatedAt" DATETIME NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updatedBy" TEXT,
    CONSTRAINT "AccessRule_roleId_fkey" FOREIGN KEY ("roleId") REFERENCES "Role" ("id") ON DELETE CASCADE ON UPDATE CASCADE,
    CONSTRAINT "AccessRule_userId_fkey" FOREIGN KEY ("userId") REFERENCES "User" ("id") ON DELETE CASCADE ON UPDATE CASCADE
);
INSERT INTO "new_AccessRule" ("allowCli", "allowConsole", "createdAt", "createdBy", "description", "expiresAt", "groupName", "id", "maxSessionDurationSeconds", "requireMfa", "roleId", "sessionPolicy", "userId") SELECT "allowCli", "allowConsole", "createdAt", "createdBy", "description", "expiresAt", "groupName", "id", "maxSessionDurationSeconds", "requireMfa", "roleId", "sessionPolicy", "userId" FROM "AccessRule";
DROP TABLE "AccessRule";
ALTER TABLE "new_AccessRule" RENAME TO "AccessRule";
CREATE INDEX "AccessRule_groupName_idx" ON "AccessRule"("groupName");
CREATE INDEX "AccessRule_userId_idx" ON "AccessRule"("userId");
CREATE INDEX "AccessRule_roleId_idx" ON "AccessRule"("roleId");
PRAGMA foreign_keys=ON;
PRAGMA defer_foreign_keys=OFF;

-- CreateIndex
CREATE UNIQUE INDEX "AuditEvent_sequence_key" ON "AuditEvent"("sequence");

-- CreateIndex
CREATE INDEX "AuditEvent_awsAccountId_createdAt_idx" ON "AuditEvent"("awsAccountId", "createdAt");

-- CreateIndex
CREATE INDEX "AuditEvent_roleArn_createdAt_idx" ON "AuditEvent"("roleArn", "createdAt");


-- The chain starts here: events written before this migration keep a null sequence.
INSERT INTO "AuditChainHead" ("id", "sequence", "hash", "updatedAt") VALUES (1, 0, '0000000000000000000000000000000000000000000000000000000000000000', CURRENT_TIMESTAMP);

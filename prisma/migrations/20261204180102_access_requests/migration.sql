-- CreateTable
CREATE TABLE "AccessRequest" (
    "id" TEXT NOT NULL PRIMARY KEY,
    "ruleId" TEXT,
    "roleId" TEXT NOT NULL,
    "personId" TEXT NOT NULL,
    "requesterUserId" TEXT NOT NULL,
    "requesterEmail" TEXT NOT NULL,
    "reason" TEXT NOT NULL DEFAULT '',
    "ticket" TEXT NOT NULL DEFAULT '',
    "durationSeconds" INTEGER NOT NULL,
    "startsAt" DATETIME NOT NULL,
    "state" TEXT NOT NULL DEFAULT 'pending',
    "breakGlass" BOOLEAN NOT NULL DEFAULT false,
    "decideBy" DATETIME NOT NULL,
    "approvedAt" DATETIME,
    "endsAt" DATETIME,
    "activatedAt" DATETIME,
    "endedAt" DATETIME,
    "closedBy" TEXT,
    "closedComment" TEXT NOT NULL DEFAULT '',
    "version" INTEGER NOT NULL DEFAULT 1,
    "createdAt" DATETIME NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updatedAt" DATETIME NOT NULL,
    CONSTRAINT "AccessRequest_ruleId_fkey" FOREIGN KEY ("ruleId") REFERENCES "AccessRule" ("id") ON DELETE SET NULL ON UPDATE CASCADE,
    CONSTRAINT "AccessRequest_roleId_fkey" FOREIGN KEY ("roleId") REFERENCES "Role" ("id") ON DELETE CASCADE ON UPDATE CASCADE,
    CONSTRAINT "AccessRequest_personId_fkey" FOREIGN KEY ("personId") REFERENCES "Person" ("id") ON DELETE CASCADE ON UPDATE CASCADE
);

-- CreateTable
CREATE TABLE "AccessRequestDecision" (
    "id" TEXT NOT NULL PRIMARY KEY,
    "requestId" TEXT NOT NULL,
    "personId" TEXT NOT NULL,
    "userId" TEXT NOT NULL,
    "email" TEXT NOT NULL,
    "decision" TEXT NOT NULL,
    "comment" TEXT NOT NULL DEFAULT '',
    "createdAt" DATETIME NOT NULL DEFAULT CURRENT_TIMESTAMP,
    CONSTRAINT "AccessRequestDecision_requestId_fkey" FOREIGN KEY ("requestId") REFERENCES "AccessRequest" ("id") ON DELETE CASCADE ON UPDATE CASCADE
);

-- CreateTable
CREATE TABLE "WebhookDelivery" (
    "id" TEXT NOT NULL PRIMARY KEY,
    "url" TEXT NOT NULL,
    "event" TEXT NOT NULL,
    "requestId" TEXT,
    "payloadJson" TEXT NOT NULL,
    "state" TEXT NOT NULL DEFAULT 'pending',
    "attempts" INTEGER NOT NULL DEFAULT 0,
    "nextAttemptAt" DATETIME NOT NULL,
    "lastStatus" INTEGER,
    "lastError" TEXT,
    "createdAt" DATETIME NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "deliveredAt" DATETIME
);

-- RedefineTables
PRAGMA defer_foreign_keys=ON;
PRAGMA foreign_keys=OFF;
CREATE TABLE "new_AccessRule" (
    "id" TEXT NOT NULL PRIMARY KEY,
    "roleId" TEXT NOT NULL,
    "groupName" TEXT,
    "groupIssuer" TEXT,
    "personId" TEXT,
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
    "kind" TEXT NOT NULL DEFAULT 'standing',
    "approversJson" TEXT NOT NULL DEFAULT '[]',
    "approvalsRequired" INTEGER NOT NULL DEFAULT 1,
    "maxElevationSeconds" INTEGER NOT NULL DEFAULT 3600,
    "requireReason" BOOLEAN NOT NULL DEFAULT true,
    "requireTicket" BOOLEAN NOT NULL DEFAULT false,
    "requireMfaToRequest" BOOLEAN NOT NULL DEFAULT false,
    "requireMfaToApprove" BOOLEAN NOT NULL DEFAULT false,
    "breakGlass" BOOLEAN NOT NULL DEFAULT false,
    "webhookUrl" TEXT,
    CONSTRAINT "AccessRule_roleId_fkey" FOREIGN KEY ("roleId") REFERENCES "Role" ("id") ON DELETE CASCADE ON UPDATE CASCADE,
    CONSTRAINT "AccessRule_personId_fkey" FOREIGN KEY ("personId") REFERENCES "Person" ("id") ON DELETE CASCADE ON UPDATE CASCADE
);
INSERT INTO "new_AccessRule" ("allowCli", "allowConsole", "createdAt", "createdBy", "description", "expiresAt", "groupIssuer", "groupName", "id", "maxSessionDurationSeconds", "personId", "requireMfa", "roleId", "sessionPolicy", "updatedAt", "updatedBy", "version") SELECT "allowCli", "allowConsole", "createdAt", "createdBy", "description", "expiresAt", "groupIssuer", "groupName", "id", "maxSessionDurationSeconds", "personId", "requireMfa", "roleId", "sessionPolicy", "updatedAt", "updatedBy", "version" FROM "AccessRule";
DROP TABLE "AccessRule";
ALTER TABLE "new_AccessRule" RENAME TO "AccessRule";
CREATE INDEX "AccessRule_groupName_idx" ON "AccessRule"("groupName");
CREATE INDEX "AccessRule_personId_idx" ON "AccessRule"("personId");
CREATE INDEX "AccessRule_roleId_idx" ON "AccessRule"("roleId");
PRAGMA foreign_keys=ON;
PRAGMA defer_foreign_keys=OFF;

-- CreateIndex
CREATE INDEX "AccessRequest_personId_createdAt_idx" ON "AccessRequest"("personId", "createdAt");

-- CreateIndex
CREATE INDEX "AccessRequest_state_decideBy_idx" ON "AccessRequest"("state", "decideBy");

-- CreateIndex
CREATE INDEX "AccessRequest_state_endsAt_idx" ON "AccessRequest"("state", "endsAt");

-- CreateIndex
CREATE INDEX "AccessRequest_roleId_idx" ON "AccessRequest"("roleId");

-- CreateIndex
CREATE UNIQUE INDEX "AccessRequestDecision_requestId_personId_key" ON "AccessRequestDecision"("requestId", "personId");

-- CreateIndex
CREATE INDEX "WebhookDelivery_state_nextAttemptAt_idx" ON "WebhookDelivery"("state", "nextAttemptAt");

-- CreateIndex
CREATE INDEX "WebhookDelivery_createdAt_idx" ON "WebhookDelivery"("createdAt");


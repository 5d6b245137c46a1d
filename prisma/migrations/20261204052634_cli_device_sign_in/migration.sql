-- CreateTable
CREATE TABLE "DeviceAuthorization" (
    "id" TEXT NOT NULL PRIMARY KEY,
    "deviceCodeHash" TEXT NOT NULL,
    "userCode" TEXT NOT NULL,
    "clientId" TEXT NOT NULL,
    "deviceName" TEXT NOT NULL,
    "clientAddress" TEXT,
    "userAgent" TEXT,
    "loginHint" TEXT,
    "createdAt" DATETIME NOT NULL,
    "expiresAt" DATETIME NOT NULL,
    "intervalSeconds" INTEGER NOT NULL,
    "lastPolledAt" DATETIME,
    "status" TEXT NOT NULL DEFAULT 'pending',
    "decidedAt" DATETIME,
    "decidedByUserId" TEXT,
    "decidedBySessionId" TEXT
);

-- CreateTable
CREATE TABLE "CliToken" (
    "id" TEXT NOT NULL PRIMARY KEY,
    "tokenHash" TEXT NOT NULL,
    "userId" TEXT NOT NULL,
    "deviceName" TEXT NOT NULL,
    "clientAddress" TEXT,
    "method" TEXT NOT NULL,
    "mfaAuthenticated" BOOLEAN NOT NULL DEFAULT false,
    "sessionTagsJson" TEXT NOT NULL DEFAULT '{}',
    "approvedBySessionId" TEXT NOT NULL,
    "createdAt" DATETIME NOT NULL,
    "expiresAt" DATETIME NOT NULL,
    "lastUsedAt" DATETIME,
    "lastUsedAddress" TEXT,
    "revokedAt" DATETIME,
    "revokedBy" TEXT,
    CONSTRAINT "CliToken_userId_fkey" FOREIGN KEY ("userId") REFERENCES "User" ("id") ON DELETE CASCADE ON UPDATE CASCADE
);

-- CreateIndex
CREATE UNIQUE INDEX "DeviceAuthorization_deviceCodeHash_key" ON "DeviceAuthorization"("deviceCodeHash");

-- CreateIndex
CREATE UNIQUE INDEX "DeviceAuthorization_userCode_key" ON "DeviceAuthorization"("userCode");

-- CreateIndex
CREATE INDEX "DeviceAuthorization_expiresAt_idx" ON "DeviceAuthorization"("expiresAt");

-- CreateIndex
CREATE UNIQUE INDEX "CliToken_tokenHash_key" ON "CliToken"("tokenHash");

-- CreateIndex
CREATE INDEX "CliToken_userId_expiresAt_idx" ON "CliToken"("userId", "expiresAt");

-- CreateIndex
CREATE INDEX "CliToken_expiresAt_idx" ON "CliToken"("expiresAt");


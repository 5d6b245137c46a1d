-- CreateTable
CREATE TABLE "SamlIdentityProvider" (
    "id" TEXT NOT NULL PRIMARY KEY,
    "slug" TEXT NOT NULL,
    "displayName" TEXT NOT NULL,
    "entityId" TEXT NOT NULL,
    "ssoUrl" TEXT NOT NULL,
    "certificatesJson" TEXT NOT NULL,
    "groupsAttribute" TEXT NOT NULL DEFAULT 'groups',
    "userKeyAttribute" TEXT,
    "emailAttribute" TEXT DEFAULT 'email',
    "displayNameAttribute" TEXT DEFAULT 'name',
    "allowIdpInitiated" BOOLEAN NOT NULL DEFAULT false,
    "requireSignedResponse" BOOLEAN NOT NULL DEFAULT false,
    "metadataUrl" TEXT,
    "enabled" BOOLEAN NOT NULL DEFAULT true,
    "createdAt" DATETIME NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updatedAt" DATETIME NOT NULL
);

-- CreateTable
CREATE TABLE "SamlAuthnRequest" (
    "id" TEXT NOT NULL PRIMARY KEY,
    "idpId" TEXT NOT NULL,
    "purpose" TEXT NOT NULL DEFAULT 'login',
    "browserBindingHash" TEXT NOT NULL,
    "returnTo" TEXT NOT NULL DEFAULT '/accounts',
    "createdAt" DATETIME NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "expiresAt" DATETIME NOT NULL,
    "usedAt" DATETIME
);

-- CreateTable
CREATE TABLE "SamlReplayEntry" (
    "id" TEXT NOT NULL PRIMARY KEY,
    "issuer" TEXT NOT NULL,
    "assertionId" TEXT NOT NULL,
    "expiresAt" DATETIME NOT NULL,
    "createdAt" DATETIME NOT NULL DEFAULT CURRENT_TIMESTAMP
);

-- CreateTable
CREATE TABLE "SamlAwsAssertion" (
    "id" TEXT NOT NULL PRIMARY KEY,
    "sessionId" TEXT NOT NULL,
    "encryptedResponse" TEXT NOT NULL,
    "rolesJson" TEXT NOT NULL,
    "sessionDurationSeconds" INTEGER,
    "expiresAt" DATETIME NOT NULL,
    "createdAt" DATETIME NOT NULL DEFAULT CURRENT_TIMESTAMP,
    CONSTRAINT "SamlAwsAssertion_sessionId_fkey" FOREIGN KEY ("sessionId") REFERENCES "PortalSession" ("id") ON DELETE CASCADE ON UPDATE CASCADE
);

-- RedefineTables
PRAGMA defer_foreign_keys=ON;
PRAGMA foreign_keys=OFF;
CREATE TABLE "new_PortalSession" (
    "id" TEXT NOT NULL PRIMARY KEY,
    "userId" TEXT NOT NULL,
    "method" TEXT NOT NULL DEFAULT 'oidc',
    "createdAt" DATETIME NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "expiresAt" DATETIME NOT NULL,
    "revokedAt" DATETIME,
    CONSTRAINT "PortalSession_userId_fkey" FOREIGN KEY ("userId") REFERENCES "User" ("id") ON DELETE CASCADE ON UPDATE CASCADE
);
INSERT INTO "new_PortalSession" ("createdAt", "expiresAt", "id", "revokedAt", "userId") SELECT "createdAt", "expiresAt", "id", "revokedAt", "userId" FROM "PortalSession";
DROP TABLE "PortalSession";
ALTER TABLE "new_PortalSession" RENAME TO "PortalSession";
CREATE INDEX "PortalSession_userId_idx" ON "PortalSession"("userId");
CREATE INDEX "PortalSession_expiresAt_idx" ON "PortalSession"("expiresAt");
PRAGMA foreign_keys=ON;
PRAGMA defer_foreign_keys=OFF;

-- CreateIndex
CREATE UNIQUE INDEX "SamlIdentityProvider_slug_key" ON "SamlIdentityProvider"("slug");

-- CreateIndex
CREATE UNIQUE INDEX "SamlIdentityProvider_entityId_key" ON "SamlIdentityProvider"("entityId");

-- CreateIndex
CREATE INDEX "SamlAuthnRequest_expiresAt_idx" ON "SamlAuthnRequest"("expiresAt");

-- CreateIndex
CREATE INDEX "SamlReplayEntry_expiresAt_idx" ON "SamlReplayEntry"("expiresAt");

-- CreateIndex
CREATE UNIQUE INDEX "SamlReplayEntry_issuer_assertionId_key" ON "SamlReplayEntry"("issuer", "assertionId");

-- CreateIndex
CREATE INDEX "SamlAwsAssertion_sessionId_idx" ON "SamlAwsAssertion"("sessionId");

-- CreateIndex
CREATE INDEX "SamlAwsAssertion_expiresAt_idx" ON "SamlAwsAssertion"("expiresAt");


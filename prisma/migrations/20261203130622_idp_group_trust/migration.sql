-- AlterTable
ALTER TABLE "AccessRule" ADD COLUMN "groupIssuer" TEXT;

-- RedefineTables
PRAGMA defer_foreign_keys=ON;
PRAGMA foreign_keys=OFF;
CREATE TABLE "new_SamlIdentityProvider" (
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
    "trustedForPrivileges" BOOLEAN NOT NULL DEFAULT false,
    "requireSignedResponse" BOOLEAN NOT NULL DEFAULT false,
    "metadataUrl" TEXT,
    "awsAppUrl" TEXT,
    "enabled" BOOLEAN NOT NULL DEFAULT true,
    "createdAt" DATETIME NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updatedAt" DATETIME NOT NULL
);
INSERT INTO "new_SamlIdentityProvider" ("allowIdpInitiated", "awsAppUrl", "certificatesJson", "createdAt", "displayName", "displayNameAttribute", "emailAttribute", "enabled", "entityId", "groupsAttribute", "id", "metadataUrl", "requireSignedResponse", "slug", "ssoUrl", "updatedAt", "userKeyAttribute") SELECT "allowIdpInitiated", "awsAppUrl", "certificatesJson", "createdAt", "displayName", "displayNameAttribute", "emailAttribute", "enabled", "entityId", "groupsAttribute", "id", "metadataUrl", "requireSignedResponse", "slug", "ssoUrl", "updatedAt", "userKeyAttribute" FROM "SamlIdentityProvider";
DROP TABLE "SamlIdentityProvider";
ALTER TABLE "new_SamlIdentityProvider" RENAME TO "SamlIdentityProvider";
CREATE UNIQUE INDEX "SamlIdentityProvider_slug_key" ON "SamlIdentityProvider"("slug");
CREATE UNIQUE INDEX "SamlIdentityProvider_entityId_key" ON "SamlIdentityProvider"("entityId");
PRAGMA foreign_keys=ON;
PRAGMA defer_foreign_keys=OFF;


-- CreateTable
CREATE TABLE "Person" (
    "id" TEXT NOT NULL PRIMARY KEY,
    "createdAt" DATETIME NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updatedAt" DATETIME NOT NULL
);

-- Every existing identity becomes a person of its own, with the same id, so the rules and
-- favorites that named the user now name that person.
INSERT INTO "Person" ("id", "createdAt", "updatedAt") SELECT "id", "createdAt", "updatedAt" FROM "User";

-- RedefineTables
PRAGMA defer_foreign_keys=ON;
PRAGMA foreign_keys=OFF;
CREATE TABLE "new_User" (
    "id" TEXT NOT NULL PRIMARY KEY,
    "personId" TEXT NOT NULL,
    "linkedBy" TEXT,
    "issuer" TEXT NOT NULL,
    "subject" TEXT NOT NULL,
    "email" TEXT,
    "displayName" TEXT,
    "groupsJson" TEXT NOT NULL DEFAULT '[]',
    "roleSessionName" TEXT NOT NULL,
    "lastLoginAt" DATETIME,
    "createdAt" DATETIME NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updatedAt" DATETIME NOT NULL,
    CONSTRAINT "User_personId_fkey" FOREIGN KEY ("personId") REFERENCES "Person" ("id") ON DELETE RESTRICT ON UPDATE CASCADE
);
INSERT INTO "new_User" ("personId", "createdAt", "displayName", "email", "groupsJson", "id", "issuer", "lastLoginAt", "roleSessionName", "subject", "updatedAt") SELECT "id", "createdAt", "displayName", "email", "groupsJson", "id", "issuer", "lastLoginAt", "roleSessionName", "subject", "updatedAt" FROM "User";
DROP TABLE "User";
ALTER TABLE "new_User" RENAME TO "User";
CREATE UNIQUE INDEX "User_roleSessionName_key" ON "User"("roleSessionName");
CREATE INDEX "User_email_idx" ON "User"("email");
CREATE INDEX "User_personId_idx" ON "User"("personId");
CREATE UNIQUE INDEX "User_issuer_subject_key" ON "User"("issuer", "subject");
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
    CONSTRAINT "AccessRule_roleId_fkey" FOREIGN KEY ("roleId") REFERENCES "Role" ("id") ON DELETE CASCADE ON UPDATE CASCADE,
    CONSTRAINT "AccessRule_personId_fkey" FOREIGN KEY ("personId") REFERENCES "Person" ("id") ON DELETE CASCADE ON UPDATE CASCADE
);
INSERT INTO "new_AccessRule" ("personId", "allowCli", "allowConsole", "createdAt", "createdBy", "description", "expiresAt", "groupIssuer", "groupName", "id", "maxSessionDurationSeconds", "requireMfa", "roleId", "sessionPolicy", "updatedAt", "updatedBy", "version") SELECT "userId", "allowCli", "allowConsole", "createdAt", "createdBy", "description", "expiresAt", "groupIssuer", "groupName", "id", "maxSessionDurationSeconds", "requireMfa", "roleId", "sessionPolicy", "updatedAt", "updatedBy", "version" FROM "AccessRule";
DROP TABLE "AccessRule";
ALTER TABLE "new_AccessRule" RENAME TO "AccessRule";
CREATE INDEX "AccessRule_groupName_idx" ON "AccessRule"("groupName");
CREATE INDEX "AccessRule_personId_idx" ON "AccessRule"("personId");
CREATE INDEX "AccessRule_roleId_idx" ON "AccessRule"("roleId");
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
    "linkByEmail" BOOLEAN NOT NULL DEFAULT false,
    "requireSignedResponse" BOOLEAN NOT NULL DEFAULT false,
    "metadataUrl" TEXT,
    "awsAppUrl" TEXT,
    "enabled" BOOLEAN NOT NULL DEFAULT true,
    "createdAt" DATETIME NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updatedAt" DATETIME NOT NULL
);
INSERT INTO "new_SamlIdentityProvider" ("allowIdpInitiated", "awsAppUrl", "certificatesJson", "createdAt", "displayName", "displayNameAttribute", "emailAttribute", "enabled", "entityId", "groupsAttribute", "id", "metadataUrl", "requireSignedResponse", "slug", "ssoUrl", "trustedForPrivileges", "updatedAt", "userKeyAttribute") SELECT "allowIdpInitiated", "awsAppUrl", "certificatesJson", "createdAt", "displayName", "displayNameAttribute", "emailAttribute", "enabled", "entityId", "groupsAttribute", "id", "metadataUrl", "requireSignedResponse", "slug", "ssoUrl", "trustedForPrivileges", "updatedAt", "userKeyAttribute" FROM "SamlIdentityProvider";
DROP TABLE "SamlIdentityProvider";
ALTER TABLE "new_SamlIdentityProvider" RENAME TO "SamlIdentityProvider";
CREATE UNIQUE INDEX "SamlIdentityProvider_slug_key" ON "SamlIdentityProvider"("slug");
CREATE UNIQUE INDEX "SamlIdentityProvider_entityId_key" ON "SamlIdentityProvider"("entityId");
CREATE TABLE "new_FavoriteRole" (
    "id" TEXT NOT NULL PRIMARY KEY,
    "personId" TEXT NOT NULL,
    "roleId" TEXT NOT NULL,
    "createdAt" DATETIME NOT NULL DEFAULT CURRENT_TIMESTAMP,
    CONSTRAINT "FavoriteRole_personId_fkey" FOREIGN KEY ("personId") REFERENCES "Person" ("id") ON DELETE CASCADE ON UPDATE CASCADE,
    CONSTRAINT "FavoriteRole_roleId_fkey" FOREIGN KEY ("roleId") REFERENCES "Role" ("id") ON DELETE CASCADE ON UPDATE CASCADE
);
INSERT INTO "new_FavoriteRole" ("personId", "createdAt", "id", "roleId") SELECT "userId", "createdAt", "id", "roleId" FROM "FavoriteRole";
DROP TABLE "FavoriteRole";
ALTER TABLE "new_FavoriteRole" RENAME TO "FavoriteRole";
CREATE INDEX "FavoriteRole_roleId_idx" ON "FavoriteRole"("roleId");
CREATE UNIQUE INDEX "FavoriteRole_personId_roleId_key" ON "FavoriteRole"("personId", "roleId");
PRAGMA foreign_keys=ON;
PRAGMA defer_foreign_keys=OFF;


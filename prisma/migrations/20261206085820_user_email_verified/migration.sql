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
    "emailVerified" BOOLEAN NOT NULL DEFAULT false,
    "displayName" TEXT,
    "groupsJson" TEXT NOT NULL DEFAULT '[]',
    "roleSessionName" TEXT NOT NULL,
    "lastLoginAt" DATETIME,
    "createdAt" DATETIME NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updatedAt" DATETIME NOT NULL,
    CONSTRAINT "User_personId_fkey" FOREIGN KEY ("personId") REFERENCES "Person" ("id") ON DELETE RESTRICT ON UPDATE CASCADE
);
INSERT INTO "new_User" ("createdAt", "displayName", "email", "groupsJson", "id", "issuer", "lastLoginAt", "linkedBy", "personId", "roleSessionName", "subject", "updatedAt") SELECT "createdAt", "displayName", "email", "groupsJson", "id", "issuer", "lastLoginAt", "linkedBy", "personId", "roleSessionName", "subject", "updatedAt" FROM "User";
DROP TABLE "User";
ALTER TABLE "new_User" RENAME TO "User";
CREATE UNIQUE INDEX "User_roleSessionName_key" ON "User"("roleSessionName");
CREATE INDEX "User_email_idx" ON "User"("email");
CREATE INDEX "User_personId_idx" ON "User"("personId");
CREATE UNIQUE INDEX "User_issuer_subject_key" ON "User"("issuer", "subject");
PRAGMA foreign_keys=ON;
PRAGMA defer_foreign_keys=OFF;


-- A SAML IdP is the directory itself: the emails of identities it signed in were verified. OIDC
-- identities are marked at their next sign-in, from the email_verified claim.
UPDATE "User" SET "emailVerified" = true WHERE "issuer" IN (SELECT "entityId" FROM "SamlIdentityProvider");

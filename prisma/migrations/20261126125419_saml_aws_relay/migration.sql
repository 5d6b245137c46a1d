-- AlterTable
ALTER TABLE "SamlIdentityProvider" ADD COLUMN "awsAppUrl" TEXT;

-- RedefineTables
PRAGMA defer_foreign_keys=ON;
PRAGMA foreign_keys=OFF;
CREATE TABLE "new_SamlAwsAssertion" (
    "id" TEXT NOT NULL PRIMARY KEY,
    "sessionId" TEXT,
    "claimTicketHash" TEXT,
    "idpId" TEXT NOT NULL,
    "issuer" TEXT NOT NULL,
    "userKey" TEXT NOT NULL,
    "encryptedResponse" TEXT NOT NULL,
    "rolesJson" TEXT NOT NULL,
    "sessionDurationSeconds" INTEGER,
    "expiresAt" DATETIME NOT NULL,
    "createdAt" DATETIME NOT NULL DEFAULT CURRENT_TIMESTAMP,
    CONSTRAINT "SamlAwsAssertion_sessionId_fkey" FOREIGN KEY ("sessionId") REFERENCES "PortalSession" ("id") ON DELETE CASCADE ON UPDATE CASCADE
);
INSERT INTO "new_SamlAwsAssertion" ("createdAt", "encryptedResponse", "expiresAt", "id", "rolesJson", "sessionDurationSeconds", "sessionId") SELECT "createdAt", "encryptedResponse", "expiresAt", "id", "rolesJson", "sessionDurationSeconds", "sessionId" FROM "SamlAwsAssertion";
DROP TABLE "SamlAwsAssertion";
ALTER TABLE "new_SamlAwsAssertion" RENAME TO "SamlAwsAssertion";
CREATE UNIQUE INDEX "SamlAwsAssertion_claimTicketHash_key" ON "SamlAwsAssertion"("claimTicketHash");
CREATE INDEX "SamlAwsAssertion_sessionId_idx" ON "SamlAwsAssertion"("sessionId");
CREATE INDEX "SamlAwsAssertion_expiresAt_idx" ON "SamlAwsAssertion"("expiresAt");
PRAGMA foreign_keys=ON;
PRAGMA defer_foreign_keys=OFF;


-- AlterTable
ALTER TABLE "PortalSession" ADD COLUMN "oidcIdTokenSealed" TEXT;
ALTER TABLE "PortalSession" ADD COLUMN "samlIdpId" TEXT;
ALTER TABLE "PortalSession" ADD COLUMN "samlNameId" TEXT;
ALTER TABLE "PortalSession" ADD COLUMN "samlNameIdFormat" TEXT;
ALTER TABLE "PortalSession" ADD COLUMN "samlNameQualifier" TEXT;
ALTER TABLE "PortalSession" ADD COLUMN "samlSessionIndex" TEXT;
ALTER TABLE "PortalSession" ADD COLUMN "samlSpNameQualifier" TEXT;

-- AlterTable
ALTER TABLE "SamlIdentityProvider" ADD COLUMN "sloUrl" TEXT;

-- CreateTable
CREATE TABLE "SamlLogoutRequest" (
    "id" TEXT NOT NULL PRIMARY KEY,
    "idpId" TEXT NOT NULL,
    "userId" TEXT,
    "browserBindingHash" TEXT NOT NULL,
    "createdAt" DATETIME NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "expiresAt" DATETIME NOT NULL,
    "usedAt" DATETIME
);

-- CreateIndex
CREATE INDEX "SamlLogoutRequest_expiresAt_idx" ON "SamlLogoutRequest"("expiresAt");

-- CreateIndex
CREATE INDEX "PortalSession_samlIdpId_samlNameId_idx" ON "PortalSession"("samlIdpId", "samlNameId");


-- AlterTable
ALTER TABLE "PortalSession" ADD COLUMN     "oidcIdTokenSealed" TEXT,
ADD COLUMN     "samlIdpId" TEXT,
ADD COLUMN     "samlNameId" TEXT,
ADD COLUMN     "samlNameIdFormat" TEXT,
ADD COLUMN     "samlNameQualifier" TEXT,
ADD COLUMN     "samlSessionIndex" TEXT,
ADD COLUMN     "samlSpNameQualifier" TEXT;

-- AlterTable
ALTER TABLE "SamlIdentityProvider" ADD COLUMN     "sloUrl" TEXT;

-- CreateTable
CREATE TABLE "SamlLogoutRequest" (
    "id" TEXT NOT NULL,
    "idpId" TEXT NOT NULL,
    "userId" TEXT,
    "browserBindingHash" TEXT NOT NULL,
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "expiresAt" TIMESTAMP(3) NOT NULL,
    "usedAt" TIMESTAMP(3),

    CONSTRAINT "SamlLogoutRequest_pkey" PRIMARY KEY ("id")
);

-- CreateIndex
CREATE INDEX "SamlLogoutRequest_expiresAt_idx" ON "SamlLogoutRequest"("expiresAt");

-- CreateIndex
CREATE INDEX "PortalSession_samlIdpId_samlNameId_idx" ON "PortalSession"("samlIdpId", "samlNameId");


-- AlterTable
ALTER TABLE "PortalSession" ADD COLUMN     "method" TEXT NOT NULL DEFAULT 'oidc';

-- CreateTable
CREATE TABLE "SamlIdentityProvider" (
    "id" TEXT NOT NULL,
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
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updatedAt" TIMESTAMP(3) NOT NULL,

    CONSTRAINT "SamlIdentityProvider_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "SamlAuthnRequest" (
    "id" TEXT NOT NULL,
    "idpId" TEXT NOT NULL,
    "purpose" TEXT NOT NULL DEFAULT 'login',
    "browserBindingHash" TEXT NOT NULL,
    "returnTo" TEXT NOT NULL DEFAULT '/accounts',
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "expiresAt" TIMESTAMP(3) NOT NULL,
    "usedAt" TIMESTAMP(3),

    CONSTRAINT "SamlAuthnRequest_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "SamlReplayEntry" (
    "id" TEXT NOT NULL,
    "issuer" TEXT NOT NULL,
    "assertionId" TEXT NOT NULL,
    "expiresAt" TIMESTAMP(3) NOT NULL,
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "SamlReplayEntry_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "SamlAwsAssertion" (
    "id" TEXT NOT NULL,
    "sessionId" TEXT NOT NULL,
    "encryptedResponse" TEXT NOT NULL,
    "rolesJson" TEXT NOT NULL,
    "sessionDurationSeconds" INTEGER,
    "expiresAt" TIMESTAMP(3) NOT NULL,
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "SamlAwsAssertion_pkey" PRIMARY KEY ("id")
);

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

-- AddForeignKey
ALTER TABLE "SamlAwsAssertion" ADD CONSTRAINT "SamlAwsAssertion_sessionId_fkey" FOREIGN KEY ("sessionId") REFERENCES "PortalSession"("id") ON DELETE CASCADE ON UPDATE CASCADE;


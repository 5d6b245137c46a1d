-- AlterTable
ALTER TABLE "AccessRule" ADD COLUMN     "groupIssuer" TEXT;

-- AlterTable
ALTER TABLE "SamlIdentityProvider" ADD COLUMN     "trustedForPrivileges" BOOLEAN NOT NULL DEFAULT false;


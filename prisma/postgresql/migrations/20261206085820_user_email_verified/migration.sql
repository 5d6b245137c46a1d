-- AlterTable
ALTER TABLE "User" ADD COLUMN     "emailVerified" BOOLEAN NOT NULL DEFAULT false;


-- A SAML IdP is the directory itself: the emails of identities it signed in were verified. OIDC
-- identities are marked at their next sign-in, from the email_verified claim.
UPDATE "User" SET "emailVerified" = true WHERE "issuer" IN (SELECT "entityId" FROM "SamlIdentityProvider");

-- AlterTable
ALTER TABLE "SamlIdentityProvider" ADD COLUMN     "awsAppUrl" TEXT;

-- AlterTable
ALTER TABLE "SamlAwsAssertion" ADD COLUMN     "claimTicketHash" TEXT,
ADD COLUMN     "idpId" TEXT NOT NULL,
ADD COLUMN     "issuer" TEXT NOT NULL,
ADD COLUMN     "userKey" TEXT NOT NULL,
ALTER COLUMN "sessionId" DROP NOT NULL;

-- CreateIndex
CREATE UNIQUE INDEX "SamlAwsAssertion_claimTicketHash_key" ON "SamlAwsAssertion"("claimTicketHash");


-- AlterTable
ALTER TABLE "PortalSession" ADD COLUMN     "authnContextJson" TEXT NOT NULL DEFAULT '{}',
ADD COLUMN     "mfaAuthenticated" BOOLEAN NOT NULL DEFAULT false,
ADD COLUMN     "sessionTagsJson" TEXT NOT NULL DEFAULT '{}';

-- AlterTable
ALTER TABLE "AwsAccount" ADD COLUMN     "alias" TEXT NOT NULL DEFAULT '';

-- AlterTable
ALTER TABLE "Role" ADD COLUMN     "requiresBrokerMfa" BOOLEAN NOT NULL DEFAULT false;

-- AlterTable
ALTER TABLE "AccessRule" ADD COLUMN     "requireMfa" BOOLEAN NOT NULL DEFAULT false,
ADD COLUMN     "sessionPolicy" TEXT;

-- CreateTable
CREATE TABLE "FavoriteRole" (
    "id" TEXT NOT NULL,
    "userId" TEXT NOT NULL,
    "roleId" TEXT NOT NULL,
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "FavoriteRole_pkey" PRIMARY KEY ("id")
);

-- CreateIndex
CREATE INDEX "FavoriteRole_roleId_idx" ON "FavoriteRole"("roleId");

-- CreateIndex
CREATE UNIQUE INDEX "FavoriteRole_userId_roleId_key" ON "FavoriteRole"("userId", "roleId");

-- AddForeignKey
ALTER TABLE "FavoriteRole" ADD CONSTRAINT "FavoriteRole_userId_fkey" FOREIGN KEY ("userId") REFERENCES "User"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "FavoriteRole" ADD CONSTRAINT "FavoriteRole_roleId_fkey" FOREIGN KEY ("roleId") REFERENCES "Role"("id") ON DELETE CASCADE ON UPDATE CASCADE;


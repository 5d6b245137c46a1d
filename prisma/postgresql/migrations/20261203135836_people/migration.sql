-- People: every existing identity becomes a person of its own, with the same id, so the rules and
-- favorites that named the user now name that person.

-- CreateTable
CREATE TABLE "Person" (
    "id" TEXT NOT NULL,
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updatedAt" TIMESTAMP(3) NOT NULL,

    CONSTRAINT "Person_pkey" PRIMARY KEY ("id")
);
INSERT INTO "Person" ("id", "createdAt", "updatedAt") SELECT "id", "createdAt", "updatedAt" FROM "User";

-- AlterTable
ALTER TABLE "User" ADD COLUMN "linkedBy" TEXT, ADD COLUMN "personId" TEXT;
UPDATE "User" SET "personId" = "id";
ALTER TABLE "User" ALTER COLUMN "personId" SET NOT NULL;

-- AccessRule.userId -> personId
ALTER TABLE "AccessRule" DROP CONSTRAINT "AccessRule_userId_fkey";
DROP INDEX "AccessRule_userId_idx";
ALTER TABLE "AccessRule" RENAME COLUMN "userId" TO "personId";

-- FavoriteRole.userId -> personId
ALTER TABLE "FavoriteRole" DROP CONSTRAINT "FavoriteRole_userId_fkey";
DROP INDEX "FavoriteRole_userId_roleId_key";
ALTER TABLE "FavoriteRole" RENAME COLUMN "userId" TO "personId";

-- AlterTable
ALTER TABLE "SamlIdentityProvider" ADD COLUMN     "linkByEmail" BOOLEAN NOT NULL DEFAULT false;

-- CreateIndex
CREATE INDEX "User_personId_idx" ON "User"("personId");

-- CreateIndex
CREATE INDEX "AccessRule_personId_idx" ON "AccessRule"("personId");

-- CreateIndex
CREATE UNIQUE INDEX "FavoriteRole_personId_roleId_key" ON "FavoriteRole"("personId", "roleId");

-- AddForeignKey
ALTER TABLE "User" ADD CONSTRAINT "User_personId_fkey" FOREIGN KEY ("personId") REFERENCES "Person"("id") ON DELETE RESTRICT ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "AccessRule" ADD CONSTRAINT "AccessRule_personId_fkey" FOREIGN KEY ("personId") REFERENCES "Person"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "FavoriteRole" ADD CONSTRAINT "FavoriteRole_personId_fkey" FOREIGN KEY ("personId") REFERENCES "Person"("id") ON DELETE CASCADE ON UPDATE CASCADE;

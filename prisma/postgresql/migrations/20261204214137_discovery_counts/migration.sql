-- AlterTable
ALTER TABLE "DiscoveryRun" ADD COLUMN     "appliedCount" INTEGER NOT NULL DEFAULT 0,
ADD COLUMN     "changeCount" INTEGER NOT NULL DEFAULT 0;


-- AlterTable
ALTER TABLE "AwsAccount" ADD COLUMN     "discoveredAt" TIMESTAMP(3),
ADD COLUMN     "organizationPath" TEXT NOT NULL DEFAULT '',
ADD COLUMN     "organizationStatus" TEXT NOT NULL DEFAULT '';

-- AlterTable
ALTER TABLE "Role" ADD COLUMN     "discoveredAt" TIMESTAMP(3),
ADD COLUMN     "missingSince" TIMESTAMP(3),
ADD COLUMN     "trustStatus" TEXT NOT NULL DEFAULT '';

-- CreateTable
CREATE TABLE "DiscoveryRun" (
    "id" TEXT NOT NULL,
    "trigger" TEXT NOT NULL,
    "actorPersonId" TEXT,
    "status" TEXT NOT NULL DEFAULT 'running',
    "startedAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "heartbeatAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "finishedAt" TIMESTAMP(3),
    "accountsTotal" INTEGER NOT NULL DEFAULT 0,
    "accountsDone" INTEGER NOT NULL DEFAULT 0,
    "rolesSeen" INTEGER NOT NULL DEFAULT 0,
    "awsCalls" INTEGER NOT NULL DEFAULT 0,
    "retries" INTEGER NOT NULL DEFAULT 0,
    "error" TEXT NOT NULL DEFAULT '',
    "changesJson" TEXT NOT NULL DEFAULT '[]',
    "noticesJson" TEXT NOT NULL DEFAULT '[]',
    "appliedJson" TEXT NOT NULL DEFAULT '{}',
    "version" INTEGER NOT NULL DEFAULT 1,

    CONSTRAINT "DiscoveryRun_pkey" PRIMARY KEY ("id")
);

-- CreateIndex
CREATE INDEX "DiscoveryRun_startedAt_idx" ON "DiscoveryRun"("startedAt");


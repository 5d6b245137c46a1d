-- CreateTable
CREATE TABLE "BrokerSession" (
    "kind" TEXT NOT NULL,
    "sourceKeyId" TEXT NOT NULL,
    "accessKeyId" TEXT NOT NULL,
    "sealed" TEXT NOT NULL,
    "expiresAt" TIMESTAMP(3) NOT NULL,
    "exchangedAt" TIMESTAMP(3) NOT NULL,

    CONSTRAINT "BrokerSession_pkey" PRIMARY KEY ("kind")
);


-- CreateTable
CREATE TABLE "BrokerSession" (
    "kind" TEXT NOT NULL PRIMARY KEY,
    "sourceKeyId" TEXT NOT NULL,
    "accessKeyId" TEXT NOT NULL,
    "sealed" TEXT NOT NULL,
    "expiresAt" DATETIME NOT NULL,
    "exchangedAt" DATETIME NOT NULL
);


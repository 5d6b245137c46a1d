-- CreateTable
CREATE TABLE "ReadinessProbe" (
    "id" TEXT NOT NULL PRIMARY KEY,
    "probedAt" DATETIME NOT NULL
);


-- CreateTable
CREATE TABLE "ReadinessProbe" (
    "id" TEXT NOT NULL,
    "probedAt" TIMESTAMP(3) NOT NULL,

    CONSTRAINT "ReadinessProbe_pkey" PRIMARY KEY ("id")
);


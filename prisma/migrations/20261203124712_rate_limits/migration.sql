-- CreateTable
CREATE TABLE "RateLimitCounter" (
    "key" TEXT NOT NULL PRIMARY KEY,
    "window" INTEGER NOT NULL,
    "count" INTEGER NOT NULL,
    "expiresAt" INTEGER NOT NULL
);

-- CreateIndex
CREATE INDEX "RateLimitCounter_expiresAt_idx" ON "RateLimitCounter"("expiresAt");


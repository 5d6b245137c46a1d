-- CreateIndex
CREATE INDEX "AuditEvent_accessKeyId_idx" ON "AuditEvent"("accessKeyId");


// The audit log's append-only triggers stand between the application and a rewrite of history;
// someone with the database's owner rights can switch them off. Tests of the hash chain play that
// person (docs/ARCHITECTURE.md "Data model", AuditEvent).
import type { TestStack } from "./stack";

/** Runs `tamper` with the append-only triggers off, then switches them on again. */
export async function asAttacker(
  stack: Pick<TestStack, "db" | "database">,
  tamper: () => Promise<unknown>,
): Promise<void> {
  const sql = (text: string) => stack.db.$executeRawUnsafe(text);
  if (stack.database === "sqlite") {
    await sql(`DROP TRIGGER "AuditEvent_no_update"`);
    await sql(`DROP TRIGGER "AuditEvent_no_delete"`);
  } else {
    await sql(`ALTER TABLE "AuditEvent" DISABLE TRIGGER "AuditEvent_append_only"`);
  }
  try {
    await tamper();
  } finally {
    if (stack.database === "sqlite") {
      await sql(`CREATE TRIGGER "AuditEvent_no_update" BEFORE UPDATE ON "AuditEvent"
        BEGIN SELECT RAISE(ABORT, 'AuditEvent is append-only'); END`);
      await sql(`CREATE TRIGGER "AuditEvent_no_delete" BEFORE DELETE ON "AuditEvent"
        BEGIN SELECT RAISE(ABORT, 'AuditEvent is append-only'); END`);
    } else {
      await sql(`ALTER TABLE "AuditEvent" ENABLE TRIGGER "AuditEvent_append_only"`);
    }
  }
}

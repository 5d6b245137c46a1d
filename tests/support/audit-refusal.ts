import type { TestStack } from "./stack";

const TRIGGER = "gatehouse_test_audit_down";

/**
 * Makes the database itself refuse audit inserts of the given actions, the way a full disk or a
 * lost connection would: the app's real write path fails, nothing in the app is stubbed. One
 * refusal at a time per database; `allowAuditActions` takes it away (and does nothing if none).
 */
export async function refuseAuditActions(
  stack: Pick<TestStack, "database" | "db">,
  actions: readonly string[],
): Promise<void> {
  const list = actions.map((a) => `'${a.replaceAll("'", "''")}'`).join(", ");
  if (stack.database === "sqlite") {
    await stack.db.$executeRawUnsafe(
      `CREATE TRIGGER "${TRIGGER}" BEFORE INSERT ON "AuditEvent"
       WHEN NEW."action" IN (${list})
       BEGIN SELECT RAISE(ABORT, 'audit down'); END`,
    );
    return;
  }
  await stack.db.$executeRawUnsafe(
    `CREATE FUNCTION "${TRIGGER}"() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN RAISE EXCEPTION 'audit down'; END; $$`,
  );
  await stack.db.$executeRawUnsafe(
    `CREATE TRIGGER "${TRIGGER}" BEFORE INSERT ON "AuditEvent" FOR EACH ROW
     WHEN (NEW."action" IN (${list})) EXECUTE FUNCTION "${TRIGGER}"()`,
  );
}

/** Takes away refuseAuditActions' refusal. */
export async function allowAuditActions(stack: Pick<TestStack, "database" | "db">): Promise<void> {
  if (stack.database === "sqlite") {
    await stack.db.$executeRawUnsafe(`DROP TRIGGER IF EXISTS "${TRIGGER}"`);
    return;
  }
  await stack.db.$executeRawUnsafe(`DROP TRIGGER IF EXISTS "${TRIGGER}" ON "AuditEvent"`);
  await stack.db.$executeRawUnsafe(`DROP FUNCTION IF EXISTS "${TRIGGER}"()`);
}

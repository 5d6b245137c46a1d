// For PostgreSQL interleaving tests: a request sent while the test holds rows in an open
// transaction either answers at once (it never needed those rows) or waits on their lock.
import pg from "pg";

/**
 * Settles once `answer` has settled, or once a connection other than the holder's (`holderPid`)
 * waits on a lock in this database.
 */
export async function answeredOrWaiting(
  databaseUrl: string,
  answer: Promise<unknown>,
  holderPid: number,
): Promise<void> {
  let answered = false;
  void answer.then(
    () => (answered = true),
    () => (answered = true),
  );
  const watcher = new pg.Client({ connectionString: databaseUrl });
  await watcher.connect();
  try {
    for (let polls = 0; !answered; polls += 1) {
      const { rows } = await watcher.query(
        `SELECT 1 FROM pg_stat_activity
          WHERE datname = current_database() AND pid <> $1 AND wait_event_type = 'Lock'`,
        [holderPid],
      );
      if (rows.length > 0) return;
      if (polls > 50_000) throw new Error("the request neither answered nor waited on a lock");
    }
  } finally {
    await watcher.end();
  }
}

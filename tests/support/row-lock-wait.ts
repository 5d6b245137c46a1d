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

/** A connection the test drives by hand, standing in for another request's transaction. */
export type RowHolder = Pick<pg.Client, "query">;

/**
 * Another transaction holding rows while `request` runs: `hold` writes the rows inside an open
 * transaction on a connection of its own (so they stay locked); `request` is then sent; once it
 * has answered or waits on those locks, `release` ends the transaction (COMMIT, or more writes and
 * a ROLLBACK). Returns the request's answer. The holder's connection is rolled back and closed
 * whatever happens.
 */
export async function whileHoldingRows<T>(
  databaseUrl: string,
  steps: {
    hold: (holder: RowHolder) => Promise<void>;
    request: () => Promise<T>;
    release: (holder: RowHolder) => Promise<void>;
  },
): Promise<T> {
  const holder = new pg.Client({ connectionString: databaseUrl });
  await holder.connect();
  try {
    const pid = (await holder.query<{ pid: number }>("SELECT pg_backend_pid() AS pid")).rows[0]!
      .pid;
    await holder.query("BEGIN");
    await steps.hold(holder);
    const answer = steps.request();
    await answeredOrWaiting(databaseUrl, answer, pid);
    await steps.release(holder);
    return await answer;
  } finally {
    await holder.query("ROLLBACK").catch(() => undefined);
    await holder.end();
  }
}

/** `release` for a holder whose transaction simply commits. */
export const commit = async (holder: RowHolder): Promise<void> => {
  await holder.query("COMMIT");
};

import "server-only";
import fs from "node:fs";

/** Flushes a file to stable storage (fsync); asynchronous, so the event loop keeps serving. */
export type SyncFile = (fd: number) => Promise<void>;

const fsyncInThreadPool: SyncFile = (fd) =>
  new Promise((resolve, reject) => fs.fsync(fd, (error) => (error ? reject(error) : resolve())));

/**
 * Group commit for SQLite's write-ahead log (docs/DATABASE-FAULTS.md "Durable commits on SQLite").
 *
 * The connection runs with `synchronous = NORMAL`: a COMMIT appends its frames to the log with
 * write() and returns without fsync. Before the caller learns that its write is done, `sync()`
 * makes the log durable with one fsync of the log file, run in libuv's thread pool instead of on
 * the event loop, and outside the connection's lock, so other requests' statements (and other
 * processes' commits) go on meanwhile. A log is only ever appended to until a checkpoint, which
 * syncs it itself, so one fsync covers every commit written before it started: the callers that
 * ask while an fsync is running all share the next one.
 */
export class WalSync {
  #fd: number | undefined;
  /** The callers waiting for the fsync that has not started yet. */
  #next: { promise: Promise<void>; resolve: () => void; reject: (e: unknown) => void } | undefined;
  #running = false;
  #closed = false;

  constructor(
    private readonly walFile: string,
    private readonly syncFile: SyncFile = fsyncInThreadPool,
  ) {}

  /** Resolves once everything committed before the call is on stable storage. */
  sync(): Promise<void> {
    if (!this.#next) {
      let resolve!: () => void;
      let reject!: (e: unknown) => void;
      const promise = new Promise<void>((res, rej) => {
        resolve = res;
        reject = rej;
      });
      this.#next = { promise, resolve, reject };
    }
    const waiting = this.#next.promise;
    if (!this.#running) this.#start();
    return waiting;
  }

  /** Closes the log's descriptor once no fsync is running on it (a later sync() reopens it). */
  close(): void {
    this.#closed = true;
    if (!this.#running) this.#closeFile();
  }

  #closeFile(): void {
    this.#closed = false;
    if (this.#fd === undefined) return;
    fs.close(this.#fd, () => undefined);
    this.#fd = undefined;
  }

  #start(): void {
    const batch = this.#next;
    if (!batch) return;
    this.#next = undefined;
    this.#running = true;
    this.#syncOnce().then(batch.resolve, batch.reject);
  }

  async #syncOnce(): Promise<void> {
    try {
      // Opened on first use: the log exists once something was written in WAL mode. While this
      // connection is open SQLite neither deletes nor replaces the file, so the descriptor stays
      // valid until close().
      this.#fd ??= fs.openSync(this.walFile, "r");
      await this.syncFile(this.#fd);
    } catch (error) {
      // No log file: nothing was written since the last connection closed, and closing
      // checkpointed (and synced) everything before deleting the log.
      if ((error as NodeJS.ErrnoException).code !== "ENOENT") throw error;
    } finally {
      this.#running = false;
      if (this.#closed) this.#closeFile();
      if (this.#next) this.#start();
    }
  }
}

/**
 * A first-come, first-served lock over one database connection, with a bounded wait: a caller that
 * can't have it within `waitMs` gets an error instead of waiting for ever (a stuck holder must
 * turn into 503s, not into a hung portal). Release is idempotent.
 */
export class ConnectionLock {
  #held = false;
  readonly #waiting: Array<{ grant: () => void; timer: NodeJS.Timeout }> = [];

  constructor(private readonly waitMs: number) {}

  get isHeld(): boolean {
    return this.#held;
  }

  /** Resolves with the release function once the lock is ours; rejects after waitMs. */
  acquire(onTimeout: () => Error): Promise<() => void> {
    if (!this.#held) {
      this.#held = true;
      return Promise.resolve(this.#releaser());
    }
    return new Promise((resolve, reject) => {
      const entry = {
        grant: () => {
          clearTimeout(entry.timer);
          resolve(this.#releaser());
        },
        timer: setTimeout(() => {
          const at = this.#waiting.indexOf(entry);
          if (at >= 0) this.#waiting.splice(at, 1);
          reject(onTimeout());
        }, this.waitMs),
      };
      entry.timer.unref?.();
      this.#waiting.push(entry);
    });
  }

  #releaser(): () => void {
    let released = false;
    return () => {
      if (released) return;
      released = true;
      const next = this.#waiting.shift();
      if (next) next.grant();
      else this.#held = false;
    };
  }
}

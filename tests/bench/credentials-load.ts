// The request the load benchmarks repeat: POST /api/roles/:id/credentials as a signed-in user,
// sent by autocannon to one portal process (`url`; `origin` is the portal's public URL).
import autocannon from "autocannon";

export interface CredentialsLoad {
  url: string;
  origin: string;
  roleId: string;
  cookie: string;
}

/** autocannon's result, with the rate from the first request to the last answer. */
export interface LoadResult extends autocannon.Result {
  /** Seconds from the start to the last answer. */
  seconds: number;
  /** Answers per second over `seconds`. */
  perSecond: number;
}

/**
 * Runs the load and times it by its last answer: autocannon itself ends a run (and samples its
 * per-second counts) on a one-second tick, so its own figures for a short run are whole-second
 * fractions (1,500 requests read as 100, 115 or 125 per second).
 */
export function issueCredentials(
  target: CredentialsLoad,
  load: { connections: number } & ({ amount: number } | { duration: number }),
): Promise<LoadResult> {
  return new Promise((resolve, reject) => {
    const started = performance.now();
    let lastAnswer = started;
    let answers = 0;
    const instance = autocannon(
      {
        url: `${target.url}/api/roles/${target.roleId}/credentials`,
        method: "POST",
        headers: {
          cookie: target.cookie,
          origin: target.origin,
          "content-type": "application/json",
        },
        body: "{}",
        ...load,
      },
      (error, result) => {
        if (error)
          return reject(error instanceof Error ? error : new Error(`autocannon: ${String(error)}`));
        const seconds = (lastAnswer - started) / 1000;
        resolve({ ...result, seconds, perSecond: seconds > 0 ? answers / seconds : 0 });
      },
    );
    instance.on("response", () => {
      answers++;
      lastAnswer = performance.now();
    });
  });
}

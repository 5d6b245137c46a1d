/**
 * What the IAM and Organizations handlers share: their dependencies, and SigV4 authentication for
 * a global service — the scope must name the service and the partition's signing region for it
 * (GLOBAL_SIGNING_REGIONS), and the key must exist in that partition (the same keys STS knows:
 * world principals and the credentials its STS issued).
 */
import type { IncomingMessage } from "node:http";
import { lookupKey } from "./caller-keys";
import type { PageTokens } from "./page-tokens";
import type { StandinPartition } from "./partitions";
import {
  GLOBAL_SIGNING_REGIONS,
  partitionOfGlobalRequest,
  type GlobalService,
} from "./service-routing";
import type { ServiceThrottles } from "./service-throttle";
import { singleHeader } from "./sigv4-parse";
import { verifySigV4 } from "./sigv4-verify";
import type { Caller, StandinState } from "./state";
import type { WorldIndex } from "./world";

/** Room for any IAM or Organizations read request (AWS's own limits are far above these calls). */
export const MAX_GLOBAL_BODY_BYTES = 256 * 1024;

export interface GlobalServiceDependencies {
  world: WorldIndex;
  state: StandinState;
  now: () => Date;
  throttles: ServiceThrottles;
  pageTokens: PageTokens;
}

/**
 * Verifies a request's SigV4 signature for `service`.
 *
 * @returns the caller and the partition the request acts in.
 * @throws StsError with the Query protocol's code for each failure (see verifySigV4); the
 *   Organizations handler renames them to its JSON protocol's codes.
 */
export async function authenticateGlobal(
  service: GlobalService,
  req: IncomingMessage,
  body: Buffer,
  deps: GlobalServiceDependencies,
  now: Date,
): Promise<{ caller: Caller; partition: StandinPartition }> {
  const host = singleHeader(req.headers, "host") ?? "";
  let partition: StandinPartition = "aws";
  const caller = await verifySigV4(
    { method: req.method ?? "POST", url: req.url ?? "/", headers: req.headers, body },
    {
      now,
      service,
      requiredRegion: (signingRegion) => {
        partition = partitionOfGlobalRequest(host, signingRegion);
        return GLOBAL_SIGNING_REGIONS[service][partition];
      },
      lookupKey: (id) => lookupKey(deps.world, deps.state, id, partition),
    },
  );
  return { caller, partition };
}

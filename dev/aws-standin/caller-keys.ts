/**
 * Which caller an access key id belongs to: a long-term key of a world principal, or temporary
 * credentials the stand-in's STS issued. Shared by STS, IAM and Organizations, which all know
 * the same keys, each in its own partition only.
 */
import type { KeyMaterial } from "./sigv4-verify";
import type { StandinPartition } from "./partitions";
import type { Caller, StandinState } from "./state";
import type { WorldIndex } from "./world";

/** The key's material, if it exists in `partition`: keys and sessions are per partition at AWS. */
export function lookupKey(
  world: WorldIndex,
  state: StandinState,
  accessKeyId: string,
  partition: StandinPartition,
): KeyMaterial | undefined {
  const principal = world.principalByAccessKeyId(accessKeyId);
  if (principal) {
    if (principal.partition !== partition) return undefined;
    const caller: Caller = {
      accessKeyId,
      principal: {
        type: "user",
        arn: principal.arn,
        account: principal.account,
        partition: principal.partition,
        userId: principal.userId,
      },
      issued: null,
    };
    return {
      secretAccessKey: principal.secretAccessKey,
      sessionToken: null,
      expiration: null,
      caller,
    };
  }
  const issued = state.findCredentials(accessKeyId);
  if (!issued || issued.principal.partition !== partition) return undefined;
  return {
    secretAccessKey: issued.secretAccessKey,
    sessionToken: issued.sessionToken,
    expiration: issued.expiration,
    caller: { accessKeyId, principal: issued.principal, issued },
  };
}

import "server-only";
import { getBroker } from "./context";

/** How long a page waits for the broker's identity before showing bounds without the cap. */
const BROKER_IDENTITY_WAIT_MS = 1500;

/**
 * Whether the broker runs on role or session credentials (then AWS caps every session at 1 hour;
 * roles that need its MFA session are capped too, which issuance checks per role). Cached by
 * the broker; if AWS can't say quickly, the answer is "no" and issuance, which checks for itself,
 * enforces the real cap.
 */
export async function isBrokerRoleChained(): Promise<boolean> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<boolean>((resolve) => {
    timer = setTimeout(() => resolve(false), BROKER_IDENTITY_WAIT_MS);
  });
  const identity = getBroker()
    .getBrokerIdentity()
    .then((id) => id.isTemporary)
    .catch(() => false);
  try {
    return await Promise.race([identity, timeout]);
  } finally {
    clearTimeout(timer);
  }
}

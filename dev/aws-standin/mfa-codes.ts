/**
 * `GET /__standin/mfa-codes`: the current one-time code of every virtual MFA device in the world,
 * so a person trying the demo can unlock the broker (Admin → Broker) without an authenticator app.
 * The stand-in's devices are pretend hardware; real AWS has nothing like this.
 */
import { totpCode } from "./totp";
import type { StandinWorld } from "./world";

const STEP_SECONDS = 30;

export interface MfaCodeView {
  userArn: string;
  serialNumber: string;
  code: string;
  /** Seconds until the code changes. */
  secondsLeft: number;
}

export function currentMfaCodes(world: StandinWorld, now: Date): MfaCodeView[] {
  const seconds = Math.floor(now.getTime() / 1000);
  return world.principals.flatMap((principal) =>
    principal.mfaDevice
      ? [
          {
            userArn: principal.arn,
            serialNumber: principal.mfaDevice.serialNumber,
            code: totpCode(principal.mfaDevice.totpSecret, now),
            secondsLeft: STEP_SECONDS - (seconds % STEP_SECONDS),
          },
        ]
      : [],
  );
}

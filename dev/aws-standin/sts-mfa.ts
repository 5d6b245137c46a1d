/**
 * MFA codes on GetSessionToken and AssumeRole: SerialNumber and TokenCode come as a pair, name the
 * caller's own virtual MFA device, and carry its current RFC 6238 code (one step of drift either
 * way, on the stand-in's clock). Every wrong case gets AWS's one message, so a caller learns
 * nothing about which part was wrong.
 */
import type { Principal } from "./state";
import { secretsEqual } from "./state";
import type { ActionContext } from "./sts-credentials";
import { StsError } from "./sts-errors";
import { matchTotpStep } from "./totp";

export interface MfaParams {
  serialNumber: string | undefined;
  tokenCode: string | undefined;
}

/**
 * Whether the request carries an MFA code (run after the length and pattern checks).
 *
 * @throws StsError ValidationError when only one of SerialNumber and TokenCode was sent.
 */
export function hasMfaPair({ serialNumber, tokenCode }: MfaParams): boolean {
  if ((serialNumber === undefined) !== (tokenCode === undefined)) {
    throw new StsError(
      "ValidationError",
      "MultiFactorAuthentication failed, must provide both MFA serial number and one time pass code.",
    );
  }
  return serialNumber !== undefined;
}

/**
 * Checks an MFA code against the caller's device. Only IAM users (long-term keys or their
 * GetSessionToken sessions) have devices; role sessions never do.
 *
 * @throws StsError AccessDenied "MultiFactorAuthentication failed with invalid MFA one time pass
 *   code." for an unknown or foreign serial, a wrong or stale code, or (when the stand-in rejects
 *   reuse) a code already accepted.
 */
export function verifyMfaCode(
  context: Pick<ActionContext, "world" | "state" | "now" | "rejectReusedMfaCodes">,
  principal: Principal,
  { serialNumber, tokenCode }: { serialNumber: string; tokenCode: string },
): void {
  const device = principal.type === "user" ? context.world.mfaDeviceOf(principal.arn) : undefined;
  // The code is checked even for a wrong serial, so timing does not tell the two apart.
  const step = matchTotpStep(
    device?.totpSecret ?? "AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA",
    tokenCode,
    context.now,
  );
  const isSerialRight = device !== undefined && secretsEqual(device.serialNumber, serialNumber);
  if (
    !isSerialRight ||
    step === null ||
    (context.rejectReusedMfaCodes && !context.state.useMfaCode(serialNumber, step))
  ) {
    throw new StsError(
      "AccessDenied",
      "MultiFactorAuthentication failed with invalid MFA one time pass code.",
    );
  }
}

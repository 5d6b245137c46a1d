/**
 * GetSessionToken as AWS answers it for an IAM user: session credentials of 900–129,600 s (default
 * 12 h) that still act as the user (GetCallerIdentity names the user), though AWS caps an
 * AssumeRole from them at one hour as it does role chaining (sts-assume-role.ts);
 * MFA-authenticated when SerialNumber and a current TokenCode of the user's device came along.
 * Callers already on temporary credentials are refused.
 */
import { credentialsXml, issueCredentials, type ActionContext } from "./sts-credentials";
import { StsError } from "./sts-errors";
import { hasMfaPair, verifyMfaCode } from "./sts-mfa";
import { param, Violations } from "./sts-validation";
import type { XmlElement } from "./sts-xml";

const MIN_SECONDS = 900;
const MAX_SECONDS = 129_600;
const DEFAULT_SECONDS = 43_200;

/** @throws StsError as AWS would answer. */
export function getSessionToken(context: ActionContext, params: URLSearchParams): XmlElement {
  const v = new Violations();
  const duration = v.integer(
    "durationSeconds",
    param(params, "DurationSeconds"),
    MIN_SECONDS,
    MAX_SECONDS,
  );
  const serialNumber = param(params, "SerialNumber");
  const tokenCode = param(params, "TokenCode");
  v.text("serialNumber", serialNumber, 9, 256, "serialNumber");
  v.text("tokenCode", tokenCode, 6, 6, "tokenCode");
  v.throwIfAny();
  const usesMfa = hasMfaPair({ serialNumber, tokenCode });

  const { caller } = context;
  if (caller.issued !== null) {
    throw new StsError("AccessDenied", "Cannot call GetSessionToken with session credentials");
  }
  if (usesMfa) {
    verifyMfaCode(context, caller.principal, {
      serialNumber: serialNumber ?? "",
      tokenCode: tokenCode ?? "",
    });
  }
  const credentials = issueCredentials(
    context,
    duration ?? DEFAULT_SECONDS,
    "GetSessionToken",
    caller.principal,
    { isMfaAuthenticated: usesMfa },
  );
  return { Credentials: credentialsXml(credentials) };
}

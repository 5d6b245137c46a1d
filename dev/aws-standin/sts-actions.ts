/**
 * The STS actions the stand-in implements, and the Query protocol's routing by Action and Version.
 */
import { assumeRole } from "./sts-assume-role";
import { credentialsXml, issueCredentials, type ActionContext } from "./sts-credentials";
import { StsError } from "./sts-errors";
import { param, Violations } from "./sts-validation";
import type { XmlElement } from "./sts-xml";

export const STS_API_VERSION = "2011-06-15";

type ActionHandler = (context: ActionContext, params: URLSearchParams) => XmlElement;

const ACTIONS: Record<string, ActionHandler> = {
  AssumeRole: assumeRole,
  GetCallerIdentity: getCallerIdentity,
  GetSessionToken: getSessionToken,
};

/**
 * Picks the handler for a request's `Action` and `Version`.
 *
 * @throws StsError MissingAction without an Action; InvalidAction for an action this stand-in
 *   does not know or a Version other than 2011-06-15 (AWS's wording names both).
 */
export function resolveAction(params: URLSearchParams): { name: string; run: ActionHandler } {
  const name = param(params, "Action");
  if (name === undefined || name === "") {
    throw new StsError("MissingAction", "Missing Action");
  }
  const version = param(params, "Version") || "NO_VERSION_SPECIFIED";
  const run = Object.hasOwn(ACTIONS, name) ? ACTIONS[name] : undefined;
  if (!run || version !== STS_API_VERSION) {
    throw new StsError("InvalidAction", `Could not find operation ${name} for version ${version}`);
  }
  return { name, run };
}

/** Who the caller is: the IAM user for long-term and GetSessionToken keys, else the role session. */
function getCallerIdentity(context: ActionContext): XmlElement {
  const { principal } = context.caller;
  return { Arn: principal.arn, UserId: principal.userId, Account: principal.account };
}

/**
 * Session credentials for an IAM user (900–129,600 s, default 12 h). AWS refuses callers that
 * are already on temporary credentials.
 */
function getSessionToken(context: ActionContext, params: URLSearchParams): XmlElement {
  const v = new Violations();
  const duration = v.integer("durationSeconds", param(params, "DurationSeconds"), 900, 129600);
  const serialNumber = param(params, "SerialNumber");
  const tokenCode = param(params, "TokenCode");
  v.text("serialNumber", serialNumber, 9, 256, "serialNumber");
  v.text("tokenCode", tokenCode, 6, 6, "tokenCode");
  v.throwIfAny();

  const { caller } = context;
  if (caller.issued !== null) {
    throw new StsError("AccessDenied", "Cannot call GetSessionToken with session credentials");
  }
  if (serialNumber !== undefined || tokenCode !== undefined) {
    throw new StsError(
      "AccessDenied",
      "MultiFactorAuthentication failed with invalid MFA one time pass code.",
    );
  }
  const credentials = issueCredentials(
    context,
    duration ?? 43200,
    "GetSessionToken",
    caller.principal,
  );
  return { Credentials: credentialsXml(credentials) };
}

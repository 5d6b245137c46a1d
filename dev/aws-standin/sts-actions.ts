/**
 * The STS actions the stand-in implements, and the Query protocol's routing by Action and Version.
 */
import { assumeRole } from "./sts-assume-role";
import { assumeRoleWithSaml } from "./sts-assume-role-with-saml";
import type { ActionContext, UnsignedActionContext } from "./sts-credentials";
import { StsError } from "./sts-errors";
import { getSessionToken } from "./sts-get-session-token";
import { param } from "./sts-validation";
import type { XmlElement } from "./sts-xml";

export const STS_API_VERSION = "2011-06-15";

/** A handler; `caller` is null only for actions that accept unsigned requests. */
type ActionHandler = (context: UnsignedActionContext, params: URLSearchParams) => XmlElement;

interface ActionSpec {
  run: ActionHandler;
  /** AWS needs no credentials for it: the SDK sends it unsigned when it has none. */
  acceptsUnsigned: boolean;
}

/** An action that requires a SigV4-authenticated caller. */
function signedOnly(
  handler: (context: ActionContext, params: URLSearchParams) => XmlElement,
): ActionSpec {
  return {
    acceptsUnsigned: false,
    run: (context, params) => {
      const { caller } = context;
      // The handler authenticates before running such actions; this is a guard, not a path.
      if (caller === null) {
        throw new StsError("MissingAuthenticationToken", "Request is missing Authentication Token");
      }
      return handler({ ...context, caller }, params);
    },
  };
}

const ACTIONS: Record<string, ActionSpec> = {
  AssumeRole: signedOnly(assumeRole),
  AssumeRoleWithSAML: { run: assumeRoleWithSaml, acceptsUnsigned: true },
  GetCallerIdentity: signedOnly(getCallerIdentity),
  GetSessionToken: signedOnly(getSessionToken),
};

/** Whether the request names an action AWS serves without a signature (AssumeRoleWithSAML). */
export function acceptsUnsignedRequest(params: URLSearchParams): boolean {
  const name = param(params, "Action") ?? "";
  return (
    Object.hasOwn(ACTIONS, name) &&
    ACTIONS[name]?.acceptsUnsigned === true &&
    param(params, "Version") === STS_API_VERSION
  );
}

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
  const spec = Object.hasOwn(ACTIONS, name) ? ACTIONS[name] : undefined;
  if (!spec || version !== STS_API_VERSION) {
    throw new StsError("InvalidAction", `Could not find operation ${name} for version ${version}`);
  }
  return { name, run: spec.run };
}

/** Who the caller is: the IAM user for long-term and GetSessionToken keys, else the role session. */
function getCallerIdentity(context: ActionContext): XmlElement {
  const { principal } = context.caller;
  return { Arn: principal.arn, UserId: principal.userId, Account: principal.account };
}

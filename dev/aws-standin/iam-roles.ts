/**
 * IAM's ListRoles and GetRole over the caller's own account (the account of the verified key, in
 * its partition), with IAM's parameter constraints, the caller's identity policy, opaque markers
 * bound to the account and PathPrefix, and each role as IAM renders it — its trust policy
 * URL-encoded in AssumeRolePolicyDocument. ListRoles leaves out what IAM leaves out (Tags,
 * PermissionsBoundary, RoleLastUsed); GetRole adds RoleLastUsed (empty: never used).
 */
import { IamError } from "./iam-errors";
import type { PageTokens } from "./page-tokens";
import type { StandinPartition } from "./partitions";
import { identityVerdict } from "./service-authorize";
import type { Caller } from "./state";
import { StsError } from "./sts-errors";
import { param, Violations } from "./sts-validation";
import type { XmlElement } from "./sts-xml";
import { trustPolicyDocument } from "./trust-document";
import type { ResolvedRole, WorldIndex } from "./world";

export const IAM_API_VERSION = "2010-05-08";
const DEFAULT_MAX_ITEMS = 100;

export interface IamContext {
  caller: Caller;
  partition: StandinPartition;
  world: WorldIndex;
  pageTokens: PageTokens;
}

type IamAction = (context: IamContext, params: URLSearchParams) => XmlElement;

const ACTIONS: Record<string, IamAction> = { GetRole: getRole, ListRoles: listRoles };

/**
 * Picks the handler for a request's `Action` and `Version`.
 *
 * @throws IamError MissingAction without an Action; InvalidAction for another action or a
 *   Version other than 2010-05-08 (AWS's wording names both, as STS's does).
 */
export function resolveIamAction(params: URLSearchParams): { name: string; run: IamAction } {
  const name = param(params, "Action");
  if (name === undefined || name === "") throw new IamError("MissingAction", "Missing Action");
  const version = param(params, "Version") || "NO_VERSION_SPECIFIED";
  const run = Object.hasOwn(ACTIONS, name) ? ACTIONS[name] : undefined;
  if (!run || version !== IAM_API_VERSION) {
    throw new IamError("InvalidAction", `Could not find operation ${name} for version ${version}`);
  }
  return { name, run };
}

/**
 * ListRoles: the account's roles whose path starts with PathPrefix, by name, MaxItems at a time.
 *
 * @throws IamError ValidationError (constraints; "Invalid Marker." for a marker not issued for
 *   this account and PathPrefix), AccessDenied (identity policy).
 */
function listRoles(context: IamContext, params: URLSearchParams): XmlElement {
  const pathPrefix = param(params, "PathPrefix");
  const rawMaxItems = param(params, "MaxItems");
  const marker = param(params, "Marker");
  const v = new Violations();
  v.text("pathPrefix", pathPrefix, 1, 512, "pathPrefix");
  v.text("marker", marker, 1, 320, "marker");
  const maxItems = v.integer("maxItems", rawMaxItems, 1, 1000) ?? DEFAULT_MAX_ITEMS;
  validated(v);

  const prefix = pathPrefix ?? "/";
  const { account, partition } = callerAccount(context);
  const resource = `arn:${partition}:iam::${account}:role${prefix}`;
  authorize(context, "iam:ListRoles", resource, resource);

  const scope = `${partition}/${account}/${prefix}`;
  const after =
    marker === undefined ? undefined : context.pageTokens.read(marker, "ListRoles", scope);
  if (marker !== undefined && after === undefined) {
    throw new IamError("ValidationError", "Invalid Marker.");
  }
  // Resuming after the last name served (not at an offset) survives roles removed in between.
  const matching = context.world
    .rolesOf(partition, account)
    .filter((role) => role.path.startsWith(prefix))
    .filter((role) => after === undefined || role.name.toLowerCase() > after);
  const page = matching.slice(0, maxItems);
  const last = page.at(-1);
  const isTruncated = matching.length > page.length && last !== undefined;
  return {
    Roles: { member: page.map((role) => roleElement(role)) },
    IsTruncated: String(isTruncated),
    Marker: isTruncated
      ? context.pageTokens.issue("ListRoles", scope, last.name.toLowerCase())
      : undefined,
  };
}

/**
 * GetRole: one role of the caller's account by its exact name.
 *
 * @throws IamError ValidationError, AccessDenied, NoSuchEntity (404).
 */
function getRole(context: IamContext, params: URLSearchParams): XmlElement {
  const roleName = param(params, "RoleName");
  const v = new Violations();
  v.required("roleName", roleName);
  v.text("roleName", roleName, 1, 64, "roleName");
  validated(v);
  const name = roleName ?? "";

  const { account, partition } = callerAccount(context);
  const role = context.world.rolesOf(partition, account).find((r) => r.name === name);
  // IAM authorizes against the role's ARN and names the resource "role <name>" when it refuses.
  const resource = role?.arn ?? `arn:${partition}:iam::${account}:role/${name}`;
  authorize(context, "iam:GetRole", resource, `role ${name}`);
  if (!role) throw new IamError("NoSuchEntity", `The role with name ${name} cannot be found.`);
  return { Role: { ...roleElement(role), RoleLastUsed: {} } };
}

/** A role as IAM's Role shape renders it (ListRoles' members, GetRole's Role). */
function roleElement(role: ResolvedRole): XmlElement {
  return {
    Path: role.path,
    RoleName: role.name,
    RoleId: role.roleId,
    Arn: role.arn,
    CreateDate: role.createDate.toISOString().replace(/\.\d{3}Z$/, "Z"),
    // IAM returns the policy document URL-encoded (RFC 3986), inside the XML.
    AssumeRolePolicyDocument: encodeURIComponent(trustPolicyDocument(role)),
    Description: role.description === "" ? undefined : role.description,
    MaxSessionDuration: role.maxSessionDurationSeconds,
  };
}

function callerAccount(context: IamContext): { account: string; partition: StandinPartition } {
  return { account: context.caller.principal.account, partition: context.partition };
}

/**
 * @throws IamError AccessDenied in IAM's words, naming why: no policy allows the action, or one
 *   denies it explicitly.
 */
function authorize(context: IamContext, action: string, resource: string, shown: string): void {
  const verdict = identityVerdict(context.world, context.caller, action, resource);
  if (verdict === "allow") return;
  const why =
    verdict === "deny"
      ? "with an explicit deny in an identity-based policy"
      : `because no identity-based policy allows the ${action} action`;
  throw new IamError(
    "AccessDenied",
    `User: ${context.caller.principal.arn} is not authorized to perform: ${action} on resource: ${shown} ${why}`,
  );
}

/** @throws IamError ValidationError listing every violated constraint. */
function validated(v: Violations): void {
  try {
    v.throwIfAny();
  } catch (error) {
    throw error instanceof StsError ? IamError.fromSts(error) : error;
  }
}

/**
 * The read operations of AWS Organizations the stand-in serves, each authorized in AWS's order:
 * the caller's identity policy must allow `organizations:<Operation>` (AccessDeniedException);
 * the caller's account must be a member (AWSOrganizationsNotInUseException); every operation but
 * DescribeOrganization is for the management account and delegated administrators only
 * (AccessDeniedException); then the input is checked (InvalidInputException with its Reason) and
 * looked up (the operation's NotFound exception).
 */
import {
  accessDenied,
  OrganizationsError,
  type OrganizationsErrorCode,
} from "./organizations-errors";
import {
  ACCOUNT_ID,
  OU_ID,
  ROOT_ID,
  type OrganizationIndex,
  type ResolvedMember,
} from "./organization-index";
import type { PageTokens } from "./page-tokens";
import type { StandinPartition } from "./partitions";
import { identityVerdict } from "./service-authorize";
import type { Caller } from "./state";
import type { WorldIndex } from "./world";

export interface OrganizationsContext {
  caller: Caller;
  partition: StandinPartition;
  world: WorldIndex;
  pageTokens: PageTokens;
}

type Input = Record<string, unknown>;
type Output = Record<string, unknown>;

interface Operation {
  /** Whether members other than the management account and delegated administrators may call it. */
  isForEveryMember: boolean;
  /** The resource the identity policy is evaluated against ("*" for operations without one). */
  resource(org: OrganizationIndex | undefined, input: Input): string;
  run(context: OrganizationsContext, org: OrganizationIndex, input: Input): Output;
}

const POLICY_TYPES = [{ Type: "SERVICE_CONTROL_POLICY", Status: "ENABLED" }];
const CHILD_ID = (id: string) => ACCOUNT_ID.test(id) || OU_ID.test(id);
/** Root, account, unit or policy ids (policies exist at AWS, not in the stand-in). */
const TAGGABLE_ID = (id: string) =>
  ROOT_ID.test(id) || ACCOUNT_ID.test(id) || OU_ID.test(id) || /^p-[0-9a-zA-Z_]{8,128}$/.test(id);

const OPERATIONS: Record<string, Operation> = {
  DescribeOrganization: {
    isForEveryMember: true,
    resource: () => "*",
    run: (_, org) => {
      const management = org.member(org.managementAccountId);
      return {
        Organization: {
          Id: org.id,
          Arn: arnOf(org, `organization/${org.id}`),
          FeatureSet: "ALL",
          MasterAccountArn: accountArn(org, org.managementAccountId),
          MasterAccountId: org.managementAccountId,
          MasterAccountEmail: management?.email,
          AvailablePolicyTypes: POLICY_TYPES,
        },
      };
    },
  },
  ListRoots: {
    isForEveryMember: false,
    resource: () => "*",
    run: (context, org, input) => {
      const roots = [
        { Id: org.rootId, Arn: rootArn(org), Name: "Root", PolicyTypes: POLICY_TYPES },
      ];
      const { page, nextToken } = paginate(context, "ListRoots", org.id, roots, input, 20);
      return { Roots: page, NextToken: nextToken };
    },
  },
  ListAccounts: {
    isForEveryMember: false,
    resource: () => "*",
    run: (context, org, input) => {
      const members = org.members();
      const { page, nextToken } = paginate(context, "ListAccounts", org.id, members, input, 20);
      return { Accounts: page.map((member) => accountShape(org, member)), NextToken: nextToken };
    },
  },
  DescribeAccount: {
    isForEveryMember: false,
    resource: (org, input) => idArn(org, input.AccountId),
    run: (_, org, input) => {
      const id = requiredId(input, "AccountId", (value) => ACCOUNT_ID.test(value));
      const member = org.member(id) ?? notFound("AccountNotFoundException", ACCOUNT_NOT_FOUND);
      return { Account: accountShape(org, member) };
    },
  },
  DescribeOrganizationalUnit: {
    isForEveryMember: false,
    resource: (org, input) => idArn(org, input.OrganizationalUnitId),
    run: (_, org, input) => {
      const id = requiredId(input, "OrganizationalUnitId", (value) => OU_ID.test(value));
      const unit =
        org.unit(id) ??
        notFound(
          "OrganizationalUnitNotFoundException",
          "We can't find an OU with the OrganizationalUnitId that you specified.",
        );
      return { OrganizationalUnit: { Id: unit.id, Arn: unitArn(org, unit.id), Name: unit.name } };
    },
  },
  ListParents: {
    isForEveryMember: false,
    resource: (org, input) => idArn(org, input.ChildId),
    run: (context, org, input) => {
      const id = requiredId(input, "ChildId", CHILD_ID);
      const parentId =
        org.member(id)?.parentId ??
        org.unit(id)?.parentId ??
        notFound(
          "ChildNotFoundException",
          "We can't find an organizational unit (OU) or AWS account with the ChildId that you specified.",
        );
      const parents = [
        { Id: parentId, Type: parentId === org.rootId ? "ROOT" : "ORGANIZATIONAL_UNIT" },
      ];
      const { page, nextToken } = paginate(context, "ListParents", id, parents, input, 20);
      return { Parents: page, NextToken: nextToken };
    },
  },
  ListTagsForResource: {
    isForEveryMember: false,
    resource: (org, input) => idArn(org, input.ResourceId),
    run: (context, org, input) => {
      const id = requiredId(input, "ResourceId", TAGGABLE_ID);
      const tags =
        org.tagsOf(id) ??
        notFound(
          "TargetNotFoundException",
          "We can't find a root, OU, account, or policy with the TargetId that you specified.",
        );
      const list = Object.entries(tags).map(([Key, Value]) => ({ Key, Value }));
      // ListTagsForResource takes no MaxResults; AWS does not document its page size.
      const { page, nextToken } = paginate(context, "ListTagsForResource", id, list, {}, 20, input);
      return { Tags: page, NextToken: nextToken };
    },
  },
};

const ACCOUNT_NOT_FOUND =
  "We can't find an AWS account with the AccountId that you specified, or the account whose credentials you used to make this request isn't a member of an organization.";

/** Whether `name` is an operation the stand-in serves. */
export function isOperation(name: string): boolean {
  return Object.hasOwn(OPERATIONS, name);
}

/**
 * Runs one operation for the authenticated caller.
 *
 * @throws OrganizationsError as AWS answers each refusal (see the module comment).
 */
export function runOperation(
  name: string,
  context: OrganizationsContext,
  org: OrganizationIndex | undefined,
  input: Input,
): Output {
  const operation = OPERATIONS[name];
  if (!operation) throw new OrganizationsError("UnknownOperationException", "Unknown operation");
  const { caller } = context;
  const verdict = identityVerdict(
    context.world,
    caller,
    `organizations:${name}`,
    operation.resource(org, input),
  );
  if (verdict !== "allow") throw accessDenied();
  const account = caller.principal.account;
  if (!org || org.partition !== context.partition || !org.member(account)) {
    throw new OrganizationsError(
      "AWSOrganizationsNotInUseException",
      "Your account is not a member of an organization.",
    );
  }
  if (!operation.isForEveryMember && !org.isAdministrator(account)) throw accessDenied();
  return operation.run(context, org, input);
}

/**
 * One page of `items`: MaxResults (1 to `max`, default `max`) from the offset NextToken names.
 * Tokens are bound to the operation and `scope` (its filtering parameters), never to MaxResults,
 * which callers may change between pages.
 */
function paginate<T>(
  context: OrganizationsContext,
  operation: string,
  scope: string,
  items: readonly T[],
  input: Input,
  max: number,
  tokenInput: Input = input,
): { page: T[]; nextToken: string | undefined } {
  const maxResults = optionalInteger(input, "MaxResults") ?? max;
  if (maxResults < 1) throw OrganizationsError.invalidInput("MIN_VALUE_EXCEEDED");
  if (maxResults > max) throw OrganizationsError.invalidInput("MAX_VALUE_EXCEEDED");
  const token = optionalString(tokenInput, "NextToken");
  let offset = 0;
  if (token !== undefined) {
    const position = context.pageTokens.read(token, operation, scope);
    if (position === undefined || !/^\d{1,9}$/.test(position)) {
      throw OrganizationsError.invalidInput("INVALID_NEXT_TOKEN");
    }
    offset = Number(position);
  }
  const end = offset + maxResults;
  return {
    page: items.slice(offset, end),
    nextToken:
      end < items.length ? context.pageTokens.issue(operation, scope, String(end)) : undefined,
  };
}

/** A required id member: INPUT_REQUIRED when absent, INVALID_PATTERN when malformed. */
function requiredId(input: Input, member: string, isValid: (id: string) => boolean): string {
  const value = optionalString(input, member);
  if (value === undefined) throw OrganizationsError.invalidInput("INPUT_REQUIRED");
  if (!isValid(value)) throw OrganizationsError.invalidInput("INVALID_PATTERN");
  return value;
}

/** A string member; a JSON value of another type cannot be read (SerializationException). */
function optionalString(input: Input, member: string): string | undefined {
  const value = input[member];
  if (value === undefined || value === null) return undefined;
  if (typeof value !== "string") throw notReadable(member);
  return value;
}

function optionalInteger(input: Input, member: string): number | undefined {
  const value = input[member];
  if (value === undefined || value === null) return undefined;
  if (typeof value !== "number" || !Number.isInteger(value)) throw notReadable(member);
  return value;
}

function notReadable(member: string): OrganizationsError {
  return new OrganizationsError(
    "SerializationException",
    `The value of ${member} is not of the type the operation expects.`,
  );
}

function notFound(code: OrganizationsErrorCode, message: string): never {
  throw new OrganizationsError(code, message);
}

/**
 * The Account shape as AWS returns it: `State` only, as the deprecated `Status` was retired on
 * 9 September 2026 (the SDK's Account documentation), so a client still reading Status finds none.
 */
function accountShape(org: OrganizationIndex, member: ResolvedMember): Output {
  return {
    Id: member.id,
    Arn: accountArn(org, member.id),
    Email: member.email,
    Name: member.name,
    State: member.status,
    JoinedMethod: "CREATED",
    // The JSON protocol's timestamps are epoch seconds.
    JoinedTimestamp: member.joinedAt.getTime() / 1000,
  };
}

function arnOf(org: OrganizationIndex, resource: string): string {
  return `arn:${org.partition}:organizations::${org.managementAccountId}:${resource}`;
}

function accountArn(org: OrganizationIndex, accountId: string): string {
  return arnOf(org, `account/${org.id}/${accountId}`);
}

function unitArn(org: OrganizationIndex, unitId: string): string {
  return arnOf(org, `ou/${org.id}/${unitId}`);
}

function rootArn(org: OrganizationIndex): string {
  return arnOf(org, `root/${org.id}/${org.rootId}`);
}

/** The ARN an id names, for the identity policy; "*" when it cannot be known. */
function idArn(org: OrganizationIndex | undefined, id: unknown): string {
  if (!org || typeof id !== "string") return "*";
  if (ACCOUNT_ID.test(id)) return accountArn(org, id);
  if (OU_ID.test(id)) return unitArn(org, id);
  if (ROOT_ID.test(id)) return rootArn(org);
  return "*";
}

import "server-only";
/**
 * Reads the organization and each account's roles through the read-only discovery roles
 * (docs/DISCOVERY.md): AWS Organizations with the organization role, then, account by account
 * (a few at once), IAM ListRoles with the discovery role assumed in that account. Every call goes
 * through withRetries; the SDK's own retries are off so that throttling is waited out, counted and
 * bounded in one place. Credentials live only in these clients, for the length of one run.
 */
import {
  DescribeOrganizationalUnitCommand,
  DescribeOrganizationCommand,
  ListAccountsCommand,
  ListParentsCommand,
  ListTagsForResourceCommand,
  OrganizationsClient,
  type Account,
} from "@aws-sdk/client-organizations";
import {
  GetRoleCommand,
  IAMClient,
  ListRolesCommand,
  NoSuchEntityException,
  type Role as IamRole,
} from "@aws-sdk/client-iam";
import { ROLE_NAME_PATTERN, ROLE_PATH_PATTERN, type AwsPartition } from "@/lib/aws/partitions";
import { ACCOUNT_ID_PATTERN } from "@/lib/admin/account-input";
import type { TemporaryCredentials } from "@/lib/aws/credential-formats";
import type { DiscoveryConfig } from "@/lib/config";
import { nameOf } from "./environment";
import {
  describeAwsError,
  RetriesExhaustedError,
  withRetries,
  type RetryCounters,
  type RetryPolicy,
} from "./retry";
import {
  isIgnoredRole,
  ORGANIZATION_STATES,
  type DiscoveredAccount,
  type DiscoveredRole,
  type DiscoverySnapshot,
  type OrganizationStatus,
} from "./snapshot";
import { readTrust, type TrustContext } from "./trust-policy";

/** The regions IAM and Organizations are signed for, per partition (both are global services). */
const GLOBAL_REGIONS: Record<AwsPartition, { iam: string; organizations: string }> = {
  aws: { iam: "us-east-1", organizations: "us-east-1" },
  "aws-us-gov": { iam: "us-gov-west-1", organizations: "us-gov-west-1" },
  "aws-cn": { iam: "cn-north-1", organizations: "cn-northwest-1" },
};

export interface ReadDependencies {
  config: DiscoveryConfig;
  partition: AwsPartition;
  /** The broker's identity, for reading trust policies. */
  trust: TrustContext;
  /** The names of the roles Gatehouse has in an account (a missing one is confirmed with GetRole). */
  knownRoleNames(accountId: string): readonly string[];
  /** Assumes a discovery role with the broker's credentials. */
  assumeRole(roleArn: string): Promise<TemporaryCredentials>;
  retry: RetryPolicy;
  counters: RetryCounters;
  /** Told after each account is read (accounts done, accounts in the organization). */
  onProgress(done: number, total: number, rolesSeen: number): Promise<void>;
}

/** A failure that ends the run, with words for the admin (never credentials). */
export class DiscoveryReadError extends Error {
  constructor(message: string) {
    super(message);
    this.name = "DiscoveryReadError";
  }
}

export async function readOrganization(deps: ReadDependencies): Promise<DiscoverySnapshot> {
  const { config, partition } = deps;
  const regions = GLOBAL_REGIONS[partition];
  const orgCredentials = await assume(deps, config.organizationRoleArn, "the organization role");
  const organizations = new OrganizationsClient({
    region: regions.organizations,
    credentials: orgCredentials,
    maxAttempts: 1,
    ...(config.organizationsEndpoint ? { endpoint: config.organizationsEndpoint } : {}),
  });
  try {
    // A refusal names the call it refused, so the admin knows which permission is missing.
    const call = <T>(operation: string, run: () => Promise<T>) =>
      withRetries(`Organizations ${operation}`, run, deps.retry, deps.counters).catch(
        (error: unknown) => {
          if (error instanceof RetriesExhaustedError) throw error;
          throw new DiscoveryReadError(
            `AWS Organizations refused ${operation}: ${describeAwsError(error)}`,
          );
        },
      );
    const org = await call("DescribeOrganization", () =>
      organizations.send(new DescribeOrganizationCommand({})),
    );
    const accounts = await listAccounts(organizations, call);
    const ouPaths = new OuPathCache(organizations, call);
    const total = accounts.length;
    let done = 0;
    let rolesSeen = 0;
    let untrusted = 0;
    const malformed: DiscoverySnapshot["malformed"] = [];
    const discovered = await mapLimit(accounts, config.concurrency, async (account) => {
      const id = account.Id ?? "";
      if (!ACCOUNT_ID_PATTERN.test(id)) {
        malformed.push({
          accountId: id.slice(0, 40),
          message: "Organizations listed an account without a 12-digit id: left out",
        });
        done++;
        return null;
      }
      const [path, tags] = await Promise.all([
        ouPaths.pathOf(id),
        listTags(organizations, call, id),
      ]);
      const status = statusOf(account);
      if (status === "UNKNOWN")
        malformed.push({
          accountId: id,
          message: `Organizations listed the account in the state ${JSON.stringify(String(account.State ?? account.Status ?? "").slice(0, 40))}: its roles grant nothing until it reads ACTIVE`,
        });
      const base = {
        accountId: id,
        name: nameOf({ name: account.Name ?? id, tags }, config),
        status,
        path,
        tags,
      };
      let result: DiscoveredAccount;
      if (status !== "ACTIVE") {
        const state = status.toLowerCase().replace(/_/g, " ");
        result = { ...base, roles: null, rolesError: `the account is ${state}` };
      } else {
        const read = await readAccountRoles(deps, id, regions.iam);
        rolesSeen += read.roles?.length ?? 0;
        untrusted += read.untrusted;
        malformed.push(...read.malformed);
        result = { ...base, roles: read.roles, rolesError: read.error };
      }
      done++;
      await deps.onProgress(done, total, rolesSeen);
      return result;
    });
    return {
      organizationId: org.Organization?.Id ?? "",
      managementAccountId: org.Organization?.MasterAccountId ?? "",
      accounts: discovered.filter((a): a is DiscoveredAccount => a !== null),
      untrustedRoleCount: untrusted,
      malformed,
    };
  } finally {
    organizations.destroy();
  }
}

type Call = <T>(operation: string, run: () => Promise<T>) => Promise<T>;

async function listAccounts(client: OrganizationsClient, call: Call): Promise<Account[]> {
  const accounts: Account[] = [];
  let token: string | undefined;
  do {
    const page = await call("ListAccounts", () =>
      client.send(new ListAccountsCommand({ MaxResults: 20, NextToken: token })),
    );
    accounts.push(...(page.Accounts ?? []));
    token = page.NextToken;
  } while (token);
  return accounts;
}

async function listTags(
  client: OrganizationsClient,
  call: Call,
  resourceId: string,
): Promise<Record<string, string>> {
  const tags: Record<string, string> = {};
  let token: string | undefined;
  do {
    const page = await call("ListTagsForResource", () =>
      client.send(new ListTagsForResourceCommand({ ResourceId: resourceId, NextToken: token })),
    );
    for (const tag of page.Tags ?? []) if (tag.Key) tags[tag.Key] = tag.Value ?? "";
    token = page.NextToken;
  } while (token);
  return tags;
}

/**
 * OU paths, each unit read once per run however many accounts it holds (ListParents and
 * DescribeOrganizationalUnit are shared by concurrent readers through the promise cache).
 */
class OuPathCache {
  private readonly units = new Map<string, Promise<string[]>>();

  constructor(
    private readonly client: OrganizationsClient,
    private readonly call: Call,
  ) {}

  /** The names from the root ("Root") down to the child's parent. */
  async pathOf(childId: string): Promise<string[]> {
    const parent = await this.parentOf(childId);
    if (parent.type === "ROOT") return ["Root"];
    return this.unitPath(parent.id);
  }

  private unitPath(unitId: string): Promise<string[]> {
    let cached = this.units.get(unitId);
    if (!cached) {
      cached = (async () => {
        const [unit, above] = await Promise.all([
          this.call("DescribeOrganizationalUnit", () =>
            this.client.send(
              new DescribeOrganizationalUnitCommand({ OrganizationalUnitId: unitId }),
            ),
          ),
          this.pathOf(unitId),
        ]);
        return [...above, unit.OrganizationalUnit?.Name ?? unitId];
      })();
      this.units.set(unitId, cached);
    }
    return cached;
  }

  private async parentOf(childId: string): Promise<{ id: string; type: string }> {
    const out = await this.call("ListParents", () =>
      this.client.send(new ListParentsCommand({ ChildId: childId })),
    );
    const parent = out.Parents?.[0];
    return { id: parent?.Id ?? "", type: parent?.Type ?? "ROOT" };
  }
}

/**
 * The account's State (PENDING_ACTIVATION, ACTIVE, SUSPENDED, PENDING_CLOSURE or CLOSED). The
 * retired Status is read only when State is absent; anything else is UNKNOWN, never ACTIVE: a
 * closed account must not read as usable because its state was not understood.
 */
export function statusOf(account: Pick<Account, "State" | "Status">): OrganizationStatus {
  const state: string | undefined = account.State ?? account.Status;
  return (ORGANIZATION_STATES as readonly string[]).includes(state ?? "")
    ? (state as OrganizationStatus)
    : "UNKNOWN";
}

async function readAccountRoles(
  deps: ReadDependencies,
  accountId: string,
  iamRegion: string,
): Promise<RolesRead> {
  const roleArn = `arn:${deps.partition}:iam::${accountId}:role/${deps.config.roleName}`;
  let credentials: TemporaryCredentials;
  try {
    credentials = await assume(deps, roleArn, "the discovery role");
  } catch (error) {
    // assume() words the refusal itself ("could not assume …: AccessDenied …").
    const reason = error instanceof DiscoveryReadError ? error.message : describeAwsError(error);
    return { roles: null, untrusted: 0, error: reason, malformed: [] };
  }
  const iam = new IAMClient({
    region: iamRegion,
    credentials,
    maxAttempts: 1,
    ...(deps.config.iamEndpoint ? { endpoint: deps.config.iamEndpoint } : {}),
  });
  try {
    const listed: IamRole[] = [];
    let marker: string | undefined;
    do {
      const page = await withRetries(
        "IAM ListRoles",
        () => iam.send(new ListRolesCommand({ MaxItems: 1000, Marker: marker })),
        deps.retry,
        deps.counters,
      );
      listed.push(...(page.Roles ?? []));
      marker = page.IsTruncated ? page.Marker : undefined;
    } while (marker);
    // A known role ListRoles did not return is confirmed with GetRole before the diff may call it
    // gone: only NoSuchEntity counts (docs/DISCOVERY.md "Nothing is deleted").
    const listedNames = new Set(listed.map((r) => r.RoleName));
    for (const name of deps.knownRoleNames(accountId)) {
      if (listedNames.has(name)) continue;
      try {
        const found = await withRetries(
          "IAM GetRole",
          () => iam.send(new GetRoleCommand({ RoleName: name })),
          deps.retry,
          deps.counters,
        );
        if (found.Role) listed.push(found.Role);
      } catch (error) {
        if (!(error instanceof NoSuchEntityException)) throw error;
      }
    }
    const roles: DiscoveredRole[] = [];
    const malformed: RolesRead["malformed"] = [];
    const seen = new Set<string>();
    let untrusted = 0;
    for (const role of listed) {
      const name = role.RoleName ?? "";
      const path = role.Path ?? "/";
      if (isIgnoredRole({ name, path }, deps.config.roleName)) continue;
      const problem = roleProblem(role, deps.partition, accountId, seen);
      if (problem) {
        malformed.push({ accountId, message: `IAM listed ${problem}: left out` });
        continue;
      }
      seen.add(name.toLowerCase());
      const trust = readTrust(role.AssumeRolePolicyDocument ?? "", deps.trust, accountId);
      if (trust.kind === "untrusted") untrusted++;
      roles.push({
        arn: role.Arn ?? "",
        name,
        path,
        description: role.Description ?? "",
        maxSessionDurationSeconds: role.MaxSessionDuration ?? 3600,
        trust,
      });
    }
    return { roles, untrusted, error: null, malformed };
  } catch (error) {
    if (error instanceof Error && error.name === "RetriesExhaustedError") throw error;
    return {
      roles: null,
      untrusted: 0,
      error: `IAM refused: ${describeAwsError(error)}`,
      malformed: [],
    };
  } finally {
    iam.destroy();
  }
}

interface RolesRead {
  roles: DiscoveredRole[] | null;
  untrusted: number;
  error: string | null;
  malformed: Array<{ accountId: string; message: string }>;
}

/** What is wrong with a role IAM answered with, or null: AWS sends none of these, a proxy might. */
export function roleProblem(
  role: IamRole,
  partition: AwsPartition,
  accountId: string,
  seen: ReadonlySet<string>,
): string | null {
  const name = role.RoleName ?? "";
  const path = role.Path ?? "/";
  if (!ROLE_NAME_PATTERN.test(name)) return `a role named ${JSON.stringify(name.slice(0, 80))}`;
  if (!ROLE_PATH_PATTERN.test(path))
    return `role ${name} with the path ${JSON.stringify(path.slice(0, 80))}`;
  if (role.Arn !== `arn:${partition}:iam::${accountId}:role${path}${name}`)
    return `role ${name} with the ARN ${JSON.stringify((role.Arn ?? "").slice(0, 200))}`;
  const max = role.MaxSessionDuration ?? 3600;
  if (!Number.isInteger(max) || max < 3600 || max > 43_200)
    return `role ${name} with MaxSessionDuration ${String(max)}`;
  if (seen.has(name.toLowerCase())) return `role ${name} twice`;
  return null;
}

async function assume(
  deps: ReadDependencies,
  roleArn: string,
  what: string,
): Promise<TemporaryCredentials> {
  deps.counters.calls++;
  try {
    return await deps.assumeRole(roleArn);
  } catch (error) {
    const reason =
      error instanceof Error
        ? ((error as { publicMessage?: string }).publicMessage ?? error.message)
        : "unknown error";
    throw new DiscoveryReadError(`could not assume ${what} ${roleArn}: ${reason}`);
  }
}

/** Runs `fn` over `items`, at most `limit` at once, keeping the order; the first failure wins. */
async function mapLimit<T, R>(
  items: readonly T[],
  limit: number,
  fn: (item: T) => Promise<R>,
): Promise<R[]> {
  const results = new Array<R>(items.length);
  let next = 0;
  let failed: { error: unknown } | null = null;
  const worker = async () => {
    while (failed === null && next < items.length) {
      const index = next++;
      try {
        results[index] = await fn(items[index]!);
      } catch (error) {
        failed ??= { error };
      }
    }
  };
  await Promise.all(Array.from({ length: Math.min(limit, items.length) }, worker));
  // The failure is rethrown as it came: an Error from withRetries or the SDK.
  if (failed !== null) throw (failed as { error: Error }).error;
  return results;
}

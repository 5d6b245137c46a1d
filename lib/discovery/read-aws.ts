import "server-only";
/**
 * Reads the organization and each account's roles through the read-only discovery roles
 * (docs/DISCOVERY.md): AWS Organizations with the organization role, then, account by account
 * (a few at once), IAM ListRoles with the discovery role assumed in that account. Every call goes
 * through withRetries; the SDK's own retries are off so that throttling is waited out, counted and
 * bounded in one place. Credentials live only in these clients, for the length of one run.
 */
import { DescribeOrganizationCommand, OrganizationsClient } from "@aws-sdk/client-organizations";
import type { AwsPartition } from "@/lib/aws/partitions";
import { ACCOUNT_ID_PATTERN } from "@/lib/admin/account-input";
import { nameOf } from "./environment";
import { mapLimit } from "./map-limit";
import { listAccounts, listTags, OuPathCache, statusOf } from "./organization-accounts";
import { readAccountRoles } from "./read-account-roles";
import { assume, DiscoveryReadError, type ReadDependencies } from "./read-dependencies";
import { describeAwsError, RetriesExhaustedError, withRetries } from "./retry";
import type { DiscoveredAccount, DiscoverySnapshot } from "./snapshot";

/** The regions IAM and Organizations are signed for, per partition (both are global services). */
const GLOBAL_REGIONS: Record<AwsPartition, { iam: string; organizations: string }> = {
  aws: { iam: "us-east-1", organizations: "us-east-1" },
  "aws-us-gov": { iam: "us-gov-west-1", organizations: "us-gov-west-1" },
  "aws-cn": { iam: "cn-north-1", organizations: "cn-northwest-1" },
};

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

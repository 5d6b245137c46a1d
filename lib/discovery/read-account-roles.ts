import "server-only";
/**
 * Reading one account's roles for discovery (docs/DISCOVERY.md): IAM ListRoles with the discovery
 * role assumed in that account, known roles it did not list confirmed with GetRole, and malformed
 * answers left out with the reason.
 */
import {
  GetRoleCommand,
  IAMClient,
  ListRolesCommand,
  NoSuchEntityException,
  type Role as IamRole,
} from "@aws-sdk/client-iam";
import { ROLE_NAME_PATTERN, ROLE_PATH_PATTERN, type AwsPartition } from "@/lib/aws/partitions";
import type { TemporaryCredentials } from "@/lib/aws/credential-formats";
import { assume, DiscoveryReadError, type ReadDependencies } from "./read-dependencies";
import { describeAwsError, withRetries } from "./retry";
import { isIgnoredRole, type DiscoveredRole } from "./snapshot";
import { readTrust } from "./trust-policy";

export async function readAccountRoles(
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

/**
 * The world's roles, by partition, account and lowercased name (IAM role names are unique per
 * account case-insensitively, whatever their path), with the put/remove tests use while running.
 */
import { parseRoleArn, type StandinPartition } from "./partitions";
import type { ResolvedRole } from "./world";

/**
 * Roles by partition, account and lowercased name. Each put of a name that existed before counts
 * a generation, so a replaced role gets a new RoleId (the first keeps the id of its ARN alone).
 */
export class RoleTable {
  private readonly accounts = new Map<string, Map<string, ResolvedRole>>();
  private readonly generations = new Map<string, number>();

  get(partition: StandinPartition, account: string, name: string): ResolvedRole | undefined {
    return this.accounts.get(`${partition}/${account}`)?.get(name.toLowerCase());
  }

  byArn(arn: string): ResolvedRole | undefined {
    const parts = parseRoleArn(arn);
    if (!parts) return undefined;
    const found = this.get(parts.partition, parts.account, parts.name);
    return found?.name === parts.name && found.path === `/${parts.path}` ? found : undefined;
  }

  ofAccount(partition: StandinPartition, account: string): ResolvedRole[] {
    const roles = [...(this.accounts.get(`${partition}/${account}`)?.values() ?? [])];
    return roles.sort((a, b) => compareNames(a.name, b.name));
  }

  generationOf(partition: StandinPartition, account: string, name: string): number {
    return this.generations.get(`${partition}/${account}/${name.toLowerCase()}`) ?? 0;
  }

  put(role: ResolvedRole): void {
    const accountKey = `${role.partition}/${role.account}`;
    const roles = this.accounts.get(accountKey) ?? new Map<string, ResolvedRole>();
    this.accounts.set(accountKey, roles);
    roles.set(role.name.toLowerCase(), role);
    const nameKey = `${accountKey}/${role.name.toLowerCase()}`;
    this.generations.set(nameKey, (this.generations.get(nameKey) ?? 0) + 1);
  }

  remove(role: ResolvedRole): boolean {
    return (
      this.accounts.get(`${role.partition}/${role.account}`)?.delete(role.name.toLowerCase()) ??
      false
    );
  }
}

/** Case-insensitive, then by code unit, so the order is total and stable. */
function compareNames(a: string, b: string): number {
  const [x, y] = [a.toLowerCase(), b.toLowerCase()];
  if (x !== y) return x < y ? -1 : 1;
  return a < b ? -1 : a > b ? 1 : 0;
}

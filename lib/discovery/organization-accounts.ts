import "server-only";
/**
 * Reading the organization's accounts through AWS Organizations (docs/DISCOVERY.md): the account
 * list, each account's tags, OU path and state.
 */
import {
  DescribeOrganizationalUnitCommand,
  ListAccountsCommand,
  ListParentsCommand,
  ListTagsForResourceCommand,
  type OrganizationsClient,
  type Account,
} from "@aws-sdk/client-organizations";
import { ORGANIZATION_STATES, type OrganizationStatus } from "./snapshot";

/** One Organizations call, retried and its refusal worded (readOrganization's). */
export type Call = <T>(operation: string, run: () => Promise<T>) => Promise<T>;

export async function listAccounts(client: OrganizationsClient, call: Call): Promise<Account[]> {
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

export async function listTags(
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
export class OuPathCache {
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

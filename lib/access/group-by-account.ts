import type { Grant } from "./resolve-grants";

/** What the accounts page shows of a grant: nothing the browser doesn't need. */
export interface RoleView {
  roleId: string;
  roleName: string;
  description: string;
  maxSessionDurationSeconds: number;
  allowConsole: boolean;
  allowCli: boolean;
}

export interface AccountView {
  accountId: string;
  name: string;
  environment: string;
  description: string;
  roles: RoleView[];
}

/** Groups resolved grants by AWS account, keeping resolveGrants' order. */
export function groupGrantsByAccount(grants: readonly Grant[]): AccountView[] {
  const accounts = new Map<string, AccountView>();
  for (const g of grants) {
    let account = accounts.get(g.account.accountId);
    if (!account) {
      account = { ...g.account, roles: [] };
      accounts.set(g.account.accountId, account);
    }
    account.roles.push({
      roleId: g.roleId,
      roleName: g.roleName,
      description: g.roleDescription,
      maxSessionDurationSeconds: g.maxSessionDurationSeconds,
      allowConsole: g.allowConsole,
      allowCli: g.allowCli,
    });
  }
  return [...accounts.values()];
}

import "server-only";
import type { Grant } from "./resolve-grants";

/** Why a role's longest session is what it is (shown next to the duration picker). */
export type DurationCap = "rule" | "role" | "role-chaining" | "access-end";

/** The session lengths a role can be issued with, from lib/aws/session-duration.ts. */
export interface DurationBoundsView {
  minSeconds: number;
  maxSeconds: number;
  defaultSeconds: number;
  cappedBy: DurationCap;
}

/**
 * What the accounts page shows of a grant: nothing the browser doesn't need (a user with 1,000
 * roles gets every field 1,000 times). No ARNs, rule ids or assume methods.
 */
export interface RoleView {
  roleId: string;
  roleName: string;
  description: string;
  allowConsole: boolean;
  allowCli: boolean;
  duration: DurationBoundsView;
  /**
   * Present only when CLI credentials are held to less than `duration` (a role that needs the
   * broker's MFA session: AWS caps an AssumeRole signed with it at one hour, while the console's
   * length is the sign-in's own; docs/AWS.md "Session length").
   */
  cliDuration?: DurationBoundsView;
  isFavorite: boolean;
  /** Only rules requiring MFA grant it and this sign-in had none: opening it steps up first. */
  needsMfa: boolean;
  /** ISO time of the user's last console link or credentials for this role, if any. */
  lastUsedAt: string | null;
  /**
   * Present (true) only for roles reached through a SAML IdP's AWS app: they need a browser, so
   * the CLI can't issue them. Absent otherwise, to keep a 1,000-role page small.
   */
  viaSamlApp?: true;
  /**
   * ISO time this access ends, present only for time-bound access (an approved access request or
   * an expiring rule); no session outlasts it.
   */
  accessEndsAt?: string;
  /** Present (true) when the access comes from an approved access request. */
  viaRequest?: true;
}

export interface AccountView {
  accountId: string;
  name: string;
  /** The IAM account alias; "" when none. */
  alias: string;
  environment: string;
  description: string;
  roles: RoleView[];
}

export interface AccountViewInputs {
  /** Session bounds per role (computed by the caller from the grant, the role and the broker). */
  /** The role's session bounds, and its CLI credentials' when tighter (else null). */
  durationsOf: (grant: Grant) => {
    duration: DurationBoundsView;
    cliDuration: DurationBoundsView | null;
  };
  favoriteRoleIds: ReadonlySet<string>;
  /** Last use per role ARN (from the audit log). */
  lastUseByRoleArn: ReadonlyMap<string, Date>;
}

/** Groups resolved grants by AWS account, keeping resolveGrants' order. Pure. */
export function groupGrantsByAccount(
  grants: readonly Grant[],
  inputs: AccountViewInputs,
): AccountView[] {
  const accounts = new Map<string, AccountView>();
  for (const g of grants) {
    let account = accounts.get(g.account.accountId);
    if (!account) {
      account = {
        accountId: g.account.accountId,
        name: g.account.name,
        alias: g.account.alias,
        environment: g.account.environment,
        description: g.account.description,
        roles: [],
      };
      accounts.set(g.account.accountId, account);
    }
    const { duration, cliDuration } = inputs.durationsOf(g);
    account.roles.push({
      roleId: g.roleId,
      roleName: g.roleName,
      description: g.roleDescription,
      allowConsole: g.allowConsole,
      allowCli: g.allowCli,
      duration,
      ...(cliDuration ? { cliDuration } : {}),
      isFavorite: inputs.favoriteRoleIds.has(g.roleId),
      needsMfa: g.needsMfaStepUp,
      lastUsedAt: inputs.lastUseByRoleArn.get(g.roleArn)?.toISOString() ?? null,
      ...(g.assumeMethod === "assume-role-with-saml" ? { viaSamlApp: true as const } : {}),
      ...(g.accessEndsAt ? { accessEndsAt: g.accessEndsAt.toISOString() } : {}),
      ...(g.elevationRequestIds.length > 0 ? { viaRequest: true as const } : {}),
    });
  }
  return [...accounts.values()];
}

/**
 * What exists in the stand-in's pretend AWS: long-term IAM users (the broker's keys) and the roles
 * they may assume. The world is validated once when the stand-in starts, so a typo in a test world
 * fails loudly instead of surfacing as a puzzling AccessDenied.
 */
import { demoAccounts, demoBroker } from "../demo-world";
import { stableUniqueId } from "./ids";

export interface StandinPrincipal {
  accessKeyId: string;
  secretAccessKey: string;
  /** The IAM user ARN, `arn:aws:iam::<account>:user/<name>`. */
  arn: string;
  account: string;
}

export interface StandinRole {
  name: string;
  maxSessionDurationSeconds: number;
  /** Principal ARNs the trust policy allows to call sts:AssumeRole (users, roles, `…:root`). */
  trustedPrincipalArns: string[];
  allowsSourceIdentity: boolean;
  allowsTagSession: boolean;
}

export interface StandinWorld {
  principals: StandinPrincipal[];
  accounts: Array<{ id: string; roles: StandinRole[] }>;
}

/** A role found in the world, with the identifiers AWS would derive for it. */
export interface ResolvedRole extends StandinRole {
  account: string;
  arn: string;
  /** `AROA…`, stable for the role so AssumedRoleId does not change between sessions. */
  roleId: string;
}

/** A long-term principal with its stable `AIDA…` user id. */
export interface ResolvedPrincipal extends StandinPrincipal {
  userId: string;
}

/** Lookups over a validated world. */
export interface WorldIndex {
  principalByAccessKeyId(accessKeyId: string): ResolvedPrincipal | undefined;
  role(account: string, roleName: string): ResolvedRole | undefined;
}

const ACCOUNT_ID = /^\d{12}$/;
const LONG_TERM_KEY_ID = /^AKIA[A-Z0-9]{16}$/;
const ROLE_NAME = /^[\w+=,.@-]{1,64}$/;
const USER_ARN = /^arn:aws:iam::(\d{12}):user\/(?:[\w+=,.@-]+\/)*[\w+=,.@-]{1,64}$/;

/**
 * The stand-in world described by `dev/demo-world.ts`: the demo broker is the one principal, and a
 * role trusts the broker exactly when the demo says `trustsBroker`.
 */
export function worldFromDemo(): StandinWorld {
  return {
    principals: [
      {
        accessKeyId: demoBroker.accessKeyId,
        secretAccessKey: demoBroker.secretAccessKey,
        arn: demoBroker.arn,
        account: demoBroker.account,
      },
    ],
    accounts: demoAccounts.map((account) => ({
      id: account.id,
      roles: account.roles.map((role) => ({
        name: role.name,
        maxSessionDurationSeconds: role.maxSessionDurationSeconds,
        trustedPrincipalArns: role.trustsBroker ? [demoBroker.arn] : [],
        allowsSourceIdentity: role.allowsSourceIdentity,
        allowsTagSession: role.allowsTagSession,
      })),
    })),
  };
}

/** `arn:aws:iam::<account>:role/<name>` for a path-less role (the only kind the world holds). */
export function roleArn(account: string, roleName: string): string {
  return `arn:aws:iam::${account}:role/${roleName}`;
}

/**
 * Checks a world and indexes it.
 *
 * @throws TypeError when the world is malformed (bad account id, key id, role name, duplicate key or
 *   role, MaxSessionDuration outside 3,600–43,200): that is a programming error in the caller.
 */
export function indexWorld(world: StandinWorld): WorldIndex {
  const principals = new Map<string, ResolvedPrincipal>();
  for (const principal of world.principals) {
    const arnMatch = USER_ARN.exec(principal.arn);
    if (!LONG_TERM_KEY_ID.test(principal.accessKeyId)) {
      throw new TypeError(
        `stand-in world: access key id ${principal.accessKeyId} is not AKIA + 16`,
      );
    }
    if (principal.secretAccessKey.length < 16) {
      throw new TypeError(`stand-in world: secret of ${principal.accessKeyId} is too short`);
    }
    if (!arnMatch || arnMatch[1] !== principal.account) {
      throw new TypeError(
        `stand-in world: ${principal.arn} is not an IAM user of ${principal.account}`,
      );
    }
    if (principals.has(principal.accessKeyId)) {
      throw new TypeError(`stand-in world: duplicate access key id ${principal.accessKeyId}`);
    }
    principals.set(principal.accessKeyId, {
      ...principal,
      userId: stableUniqueId("AIDA", principal.arn),
    });
  }

  const roles = new Map<string, ResolvedRole>();
  for (const account of world.accounts) {
    if (!ACCOUNT_ID.test(account.id)) {
      throw new TypeError(`stand-in world: account id ${account.id} is not 12 digits`);
    }
    for (const role of account.roles) {
      if (!ROLE_NAME.test(role.name)) {
        throw new TypeError(`stand-in world: role name ${role.name} is invalid`);
      }
      const max = role.maxSessionDurationSeconds;
      if (!Number.isInteger(max) || max < 3600 || max > 43200) {
        throw new TypeError(
          `stand-in world: ${role.name} MaxSessionDuration ${max} not in 3600–43200`,
        );
      }
      // IAM role names are unique per account, case-insensitively.
      const key = roleKey(account.id, role.name);
      if (roles.has(key)) {
        throw new TypeError(`stand-in world: duplicate role ${role.name} in ${account.id}`);
      }
      const arn = roleArn(account.id, role.name);
      roles.set(key, { ...role, account: account.id, arn, roleId: stableUniqueId("AROA", arn) });
    }
  }

  return {
    principalByAccessKeyId: (accessKeyId) => principals.get(accessKeyId),
    // AWS matches the role name exactly even though uniqueness is case-insensitive.
    role: (account, roleName) => {
      const found = roles.get(roleKey(account, roleName));
      return found?.name === roleName ? found : undefined;
    },
  };
}

function roleKey(account: string, roleName: string): string {
  return `${account}/${roleName.toLowerCase()}`;
}

import { isRecord } from "./config-store";

/**
 * The /api/v1 answers the CLI reads (docs/API.md), checked by hand: the warm `creds` path must not
 * load a validation library (docs/CLI.md "How the cache works"). Each check returns undefined for
 * an answer of the wrong shape; callers report that as an unexpected answer.
 */

export interface IssuedCredentials {
  accessKeyId: string;
  secretAccessKey: string;
  sessionToken: string;
  /** ISO 8601. */
  expiration: string;
  durationSeconds: number;
  region: string;
  account: { accountId: string; name: string };
  roleName: string;
}

export interface RoleDuration {
  minSeconds: number;
  maxSeconds: number;
  defaultSeconds: number;
  cappedBy?: string | null;
}

export interface PortalRole {
  roleId: string;
  roleName: string;
  description?: string | null;
  allowConsole: boolean;
  allowCli: boolean;
  needsMfa: boolean;
  isFavorite?: boolean;
  lastUsedAt?: string | null;
  duration: RoleDuration;
  /** Tighter bounds for CLI credentials than `duration`, when AWS holds them shorter (docs/API.md). */
  cliDuration?: RoleDuration | null;
  /** Reached through a SAML IdP's AWS app: only the web page can issue it (docs/API.md). */
  viaSamlApp?: boolean;
  /** Time-bound access ends then; sessions are capped at it (docs/ACCESS-REQUESTS.md). */
  accessEndsAt?: string;
  /** Granted by an approved access request. */
  viaRequest?: boolean;
}

/** Whether `gatehouse creds` and friends can get credentials for the role. */
export function isCliUsable(role: PortalRole): boolean {
  return role.allowCli && role.viaSamlApp !== true;
}

export interface PortalAccount {
  accountId: string;
  name: string;
  alias?: string | null;
  environment?: string | null;
  description?: string | null;
  roles: PortalRole[];
}

export interface RolesAnswer {
  defaultRegion: string;
  accounts: PortalAccount[];
  /** With a filter: how the portal read it (absent from portals before it said so). */
  filterReadAs?: "as-typed" | "arns-in-text" | "close-spellings";
}

export interface MeAnswer {
  user: { email: string; displayName: string; isAdmin?: boolean; isAuditor?: boolean };
  token: { id: string; deviceName?: string; expiresAt: string; mfaAuthenticated?: boolean };
}

export interface ConsoleAnswer {
  signinUrl: string;
  expiresAt: string;
  linkExpiresAt?: string;
  region: string;
  durationSeconds?: number;
}

const isString = (value: unknown): value is string => typeof value === "string";
const isNumber = (value: unknown): value is number =>
  typeof value === "number" && Number.isFinite(value);
const isDate = (value: unknown): value is string =>
  isString(value) && !Number.isNaN(Date.parse(value));

export function parseIssuedCredentials(value: unknown): IssuedCredentials | undefined {
  if (!isRecord(value) || !isRecord(value.account)) return undefined;
  const v = value;
  const account = value.account;
  if (
    !isString(v.accessKeyId) ||
    !isString(v.secretAccessKey) ||
    !isString(v.sessionToken) ||
    !isDate(v.expiration) ||
    !isNumber(v.durationSeconds) ||
    !isString(v.region) ||
    !isString(account.accountId) ||
    !isString(account.name) ||
    !isString(v.roleName)
  ) {
    return undefined;
  }
  return {
    accessKeyId: v.accessKeyId,
    secretAccessKey: v.secretAccessKey,
    sessionToken: v.sessionToken,
    expiration: v.expiration,
    durationSeconds: v.durationSeconds,
    region: v.region,
    account: { accountId: account.accountId, name: account.name },
    roleName: v.roleName,
  };
}

export function parseRolesAnswer(value: unknown): RolesAnswer | undefined {
  if (!isRecord(value) || !isString(value.defaultRegion) || !Array.isArray(value.accounts)) {
    return undefined;
  }
  const accountsOk = value.accounts.every(
    (account) =>
      isRecord(account) &&
      isString(account.accountId) &&
      isString(account.name) &&
      Array.isArray(account.roles) &&
      account.roles.every(
        (role) =>
          isRecord(role) &&
          isString(role.roleId) &&
          isString(role.roleName) &&
          typeof role.allowConsole === "boolean" &&
          typeof role.allowCli === "boolean" &&
          typeof role.needsMfa === "boolean" &&
          isRecord(role.duration) &&
          isNumber(role.duration.maxSeconds),
      ),
  );
  return accountsOk ? (value as unknown as RolesAnswer) : undefined;
}

export function parseMeAnswer(value: unknown): MeAnswer | undefined {
  if (!isRecord(value) || !isRecord(value.user) || !isRecord(value.token)) return undefined;
  const { user, token } = value;
  if (!isString(user.email) || !isString(user.displayName)) return undefined;
  if (!isString(token.id) || !isDate(token.expiresAt)) return undefined;
  return value as unknown as MeAnswer;
}

export function parseConsoleAnswer(value: unknown): ConsoleAnswer | undefined {
  if (!isRecord(value) || !isString(value.signinUrl) || !isDate(value.expiresAt)) return undefined;
  if (!isString(value.region)) return undefined;
  return value as unknown as ConsoleAnswer;
}

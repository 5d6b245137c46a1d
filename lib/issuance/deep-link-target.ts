import "server-only";
import type { DeepLinkAccount } from "@/lib/access/deep-link";
import { findGrantsForPrincipal, principalOf } from "@/lib/access/find-grants";
import { findEligibleRoles } from "@/lib/access-requests/list-requests";
import type { Grant } from "@/lib/access/resolve-grants";
import { writeAuditEvent } from "@/lib/audit/write-audit-event";
import type { SignedInUser } from "@/lib/auth/portal-session";
import type { Db } from "@/lib/db/client";
import type { RequestMeta } from "@/lib/request-meta";
import { log } from "@/lib/log";
import { actorOf } from "@/lib/audit/actor";
import { targetOf } from "./issuance-audit";

export interface AccountChoice {
  accountId: string;
  name: string;
  alias: string;
  environment: string;
}

export type DeepLinkTarget =
  /** Exactly one granted role matches, and its grant includes the console. */
  | { kind: "role"; roleId: string; roleName: string; account: AccountChoice; grant: Grant }
  /** The account name or alias names several accounts where the user has this role. */
  | { kind: "choose-account"; roleName: string; accounts: AccountChoice[] }
  /**
   * Not granted now, but an eligible rule lets the user request it (docs/ACCESS-REQUESTS.md):
   * said so, since the requests page shows it to them anyway (audited as a denial).
   */
  | { kind: "requestable"; roleName: string; account: AccountChoice }
  /** The role is granted, but for CLI credentials only (audited as a denial). */
  | { kind: "no-console"; roleName: string; account: AccountChoice }
  /** Nothing the user may use matches (audited): the same answer whether or not it exists. */
  | { kind: "not-found" };

interface ResolveContext {
  db: Db;
  user: SignedInUser;
  meta: RequestMeta;
  now: Date;
}

/** How much of the requested text goes to the audit log: enough to read, too little to abuse. */
const AUDITED_TEXT_LENGTH = 64;

/**
 * Finds the role a console deep link names AMONG THE USER'S GRANTS ONLY (the caller's identity is
 * in the query, so other accounts and roles are never read and can't be probed): the account by
 * id, or by name or alias (case-insensitive), the role by name (case-insensitive, as IAM role names
 * are). "Not granted" and "does not exist" are one answer, audited as access.denied with the
 * requested text truncated.
 */
export async function resolveDeepLinkTarget(
  ctx: ResolveContext,
  link: { account: DeepLinkAccount; role: string },
): Promise<DeepLinkTarget> {
  const grants = await findGrantsForPrincipal(ctx.db, principalOf(ctx.user), ctx.now);
  const roleName = link.role.toLowerCase();
  const withRole = grants.filter((g) => g.roleName.toLowerCase() === roleName);
  const aliases = await aliasesOf(
    ctx.db,
    withRole.map((g) => g.account.accountId),
  );
  const matches = withRole.filter((g) => accountMatches(g, aliases, link.account));
  const choice = (g: Grant): AccountChoice => ({
    accountId: g.account.accountId,
    name: g.account.name,
    alias: aliases.get(g.account.accountId) ?? "",
    environment: g.account.environment,
  });

  const [only, ...others] = matches;
  if (!only) {
    const requestable = await requestableMatch(ctx, link);
    if (requestable) {
      await denyLink(ctx, link, "the role is granted only through an approved access request");
      return { kind: "requestable", ...requestable };
    }
    await denyLink(ctx, link, "no granted role matches the deep link (or it does not exist)");
    return { kind: "not-found" };
  }
  if (others.length > 0) {
    return { kind: "choose-account", roleName: only.roleName, accounts: matches.map(choice) };
  }
  if (!only.allowConsole) {
    await denyLink(
      ctx,
      link,
      "the user's access to this role does not include console output",
      only,
    );
    return { kind: "no-console", roleName: only.roleName, account: choice(only) };
  }
  return {
    kind: "role",
    roleId: only.roleId,
    roleName: only.roleName,
    account: choice(only),
    grant: only,
  };
}

/**
 * The role the link names among those the user may request, when exactly one matches (several
 * accounts sharing a name or alias: the plain not-found answer, whose link leads nowhere useful).
 */
async function requestableMatch(
  ctx: ResolveContext,
  link: { account: DeepLinkAccount; role: string },
): Promise<{ roleName: string; account: AccountChoice } | null> {
  const roleName = link.role.toLowerCase();
  const wanted = link.account;
  const matches = (await findEligibleRoles(ctx)).filter(
    (r) =>
      r.roleName.toLowerCase() === roleName &&
      (wanted.kind === "id"
        ? r.accountId === wanted.accountId
        : r.accountName.toLowerCase() === wanted.name.toLowerCase() ||
          (r.accountAlias !== "" && r.accountAlias.toLowerCase() === wanted.name.toLowerCase())),
  );
  const [only, ...others] = matches;
  if (!only || others.length > 0) return null;
  return {
    roleName: only.roleName,
    account: {
      accountId: only.accountId,
      name: only.accountName,
      alias: only.accountAlias,
      environment: only.environment,
    },
  };
}

function accountMatches(
  grant: Grant,
  aliases: ReadonlyMap<string, string>,
  wanted: DeepLinkAccount,
): boolean {
  if (wanted.kind === "id") return grant.account.accountId === wanted.accountId;
  const name = wanted.name.toLowerCase();
  const alias = aliases.get(grant.account.accountId) ?? "";
  return (
    grant.account.name.toLowerCase() === name || (alias !== "" && alias.toLowerCase() === name)
  );
}

/** Aliases of the accounts the user already holds grants in (and only those). */
async function aliasesOf(db: Db, accountIds: readonly string[]): Promise<Map<string, string>> {
  if (accountIds.length === 0) return new Map();
  const rows = await db.awsAccount.findMany({
    where: { accountId: { in: [...new Set(accountIds)] } },
    select: { accountId: true, alias: true },
  });
  return new Map(rows.map((r) => [r.accountId, r.alias]));
}

async function denyLink(
  ctx: ResolveContext,
  link: { account: DeepLinkAccount; role: string },
  reason: string,
  grant?: Grant,
): Promise<void> {
  const requestedAccount = (
    link.account.kind === "id" ? link.account.accountId : link.account.name
  ).slice(0, AUDITED_TEXT_LENGTH);
  const requestedRole = link.role.slice(0, AUDITED_TEXT_LENGTH);
  log.info("deep link denied", { requestId: ctx.meta.requestId, userId: ctx.user.id, reason });
  await writeAuditEvent(ctx.db, {
    action: "access.denied",
    outcome: "denied",
    actor: actorOf(ctx.user),
    meta: ctx.meta,
    ...(grant ? { target: targetOf(ctx, grant) } : {}),
    details: { output: "console", via: "deep-link", requestedAccount, requestedRole, reason },
  });
}

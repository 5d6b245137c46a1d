import { currentTime } from "@/lib/clock";
import type { Metadata } from "next";
import { AccessQueryForms } from "@/components/access-query-forms";
import { AccessRulesTable } from "@/components/access-rules-table";
import { AdminPageShell } from "@/components/admin-page-shell";
import { formatDuration } from "@/components/format-duration";
import { DECISION_TEXT, describeVerdict } from "@/lib/access-review/explain";
import { findAccountAccess } from "@/lib/access-review/account-access";
import {
  explainUserRole,
  findUserAccess,
  type ReviewedPerson,
} from "@/lib/access-review/user-access";
import { getDb } from "@/lib/db/client";
import { isAppError } from "@/lib/errors";
import { requirePrivilegedPage } from "@/lib/auth/privilege-guard";
import { pathWithQuery } from "@/lib/http/return-path";
import { explainedRoleArn, reviewQuery, type NamedRole } from "./review-query";
import { ArnText } from "@/components/arn-text";
import { UtcTime } from "@/components/utc-time";

export const metadata: Metadata = { title: "Access review" };

type SearchParams = Promise<Record<string, string | string[] | undefined>>;

const MEMBERS_NOTE =
  "Group members are the users whose groups, as last asserted by the identity provider at their most recent sign-in, include the group: someone added to a group who has not signed in since is not listed.";

export default async function AccessReviewPage({ searchParams }: { searchParams: SearchParams }) {
  const raw = await searchParams;
  const check = await requirePrivilegedPage("auditor", pathWithQuery("/admin/access", raw));
  const crumbs = [{ label: "Access review" }];
  const values: Record<string, string> = {};
  for (const [k, v] of Object.entries(raw)) if (typeof v === "string") values[k] = v;
  const params = { get: (name: string) => values[name] ?? null };
  const roles = await explainableRoles();
  return (
    <AdminPageShell user={check.user} crumbs={crumbs}>
      <div>
        <h1 className="text-2xl font-semibold">Access review</h1>
        <p className="mt-1 text-sm text-slate-600">
          Who can reach an account or role, what a user can reach, and why. Decisions come from the
          same resolution the portal uses at issuance. Times are UTC.
        </p>
      </div>
      <AccessQueryForms
        values={values}
        roles={roles.map((r) => ({ arn: r.arn, label: `${r.accountName} / ${r.roleName}` }))}
      />
      {await (async () => {
        try {
          const explainUser = values.explainUser?.trim();
          const explainRole = values.explainRole?.trim();
          if (explainUser && explainRole) {
            const arn = explainedRoleArn(explainRole, roles);
            if (arn === null)
              return (
                <p className="text-sm text-slate-600" data-testid="explain-no-role">
                  No role “{explainRole}” in Gatehouse: name it as account / role (for example
                  acme-production / ReadOnly) or by its ARN.
                </p>
              );
            return await explainSection(explainUser, arn, values);
          }
          const query = reviewQuery(params);
          if (query.kind === "account") return await accountSection(query);
          if (query.kind === "user") return await userSection(query.email);
          return null;
        } catch (error) {
          if (isAppError(error) && error.code === "validation_error")
            return (
              <p
                role="alert"
                className="rounded-md border border-red-200 bg-red-50 p-3 text-sm text-red-800"
              >
                {error.publicMessage}
              </p>
            );
          throw error;
        }
      })()}
    </AdminPageShell>
  );
}

/** Every role, for Explain's picker and for reading its field (ordered as the admin pages are). */
async function explainableRoles(): Promise<NamedRole[]> {
  const roles = await getDb().role.findMany({
    select: {
      arn: true,
      name: true,
      awsAccount: { select: { name: true, accountId: true, alias: true } },
    },
    orderBy: [{ awsAccount: { name: "asc" } }, { name: "asc" }],
  });
  return roles.map((r) => ({
    arn: r.arn,
    roleName: r.name,
    accountId: r.awsAccount.accountId,
    accountName: r.awsAccount.name,
    accountAlias: r.awsAccount.alias,
  }));
}

function csvLink(query: string) {
  return (
    <a
      href={`/admin/access/export?${query}`}
      className="text-sm text-indigo-700 hover:underline"
      data-testid="csv-link"
    >
      Download CSV
    </a>
  );
}

async function accountSection(query: { account: string; roleName?: string }) {
  const access = await findAccountAccess(getDb(), query, currentTime());
  if (!access)
    return <p className="text-sm text-slate-600">No such account or role in Gatehouse.</p>;
  const accountId = access[0]?.account.accountId ?? query.account;
  const qs = new URLSearchParams({
    account: accountId,
    ...(query.roleName ? { role: query.roleName } : {}),
  });
  return (
    <section className="space-y-4" data-testid="account-access">
      <div className="flex items-center justify-between">
        <h2 className="text-lg font-semibold">
          Who can reach {access[0]?.account.name ?? query.account} ({accountId})
        </h2>
        {csvLink(qs.toString())}
      </div>
      <p className="text-xs text-slate-500">{MEMBERS_NOTE}</p>
      {access.length === 0 && <p className="text-sm text-slate-600">This account has no roles.</p>}
      {access.map((a) => (
        <div
          key={a.role.id}
          className="overflow-hidden rounded-xl border border-slate-200 bg-white shadow-sm"
        >
          <h3 className="border-b border-slate-100 px-4 py-2 font-medium">
            {a.role.name}{" "}
            <span className="font-mono text-xs text-slate-500">
              <ArnText arn={a.role.arn} />
            </span>
          </h3>
          <AccessRulesTable rules={a.rules} />
          {a.elevations.length > 0 && (
            <ul
              className="border-t border-slate-100 px-4 py-2 text-sm"
              data-testid="role-elevations"
            >
              {a.elevations.map((e) => (
                <li key={e.requestId}>
                  {`${e.requester} holds it by approved request ${e.requestId} until `}
                  <UtcTime value={e.endsAt} />
                  {e.breakGlass && " (break-glass)"}
                </li>
              ))}
            </ul>
          )}
        </div>
      ))}
    </section>
  );
}

async function userSection(email: string) {
  const access = await findUserAccess(getDb(), email, currentTime());
  if (access.length === 0)
    return (
      <p className="text-sm text-slate-600">No user with this email has signed in to Gatehouse.</p>
    );
  return (
    <section className="space-y-4" data-testid="user-access">
      <div className="flex items-center justify-between">
        <h2 className="text-lg font-semibold">What {email} can reach</h2>
        {csvLink(new URLSearchParams({ user: email }).toString())}
      </div>
      {access.map((u) => (
        <div key={u.person.id} className="space-y-3" data-testid="person-access">
          <IdentitiesOf person={u.person} />
          {u.grants.length === 0 && <p className="text-sm text-slate-600">No roles.</p>}
          {u.grants.map((g) => (
            <div
              key={g.roleArn}
              className="overflow-hidden rounded-xl border border-slate-200 bg-white shadow-sm"
              data-testid="user-grant"
            >
              <h3 className="border-b border-slate-100 px-4 py-2 font-medium">
                {g.account.name} / {g.roleName}{" "}
                <span className="text-xs text-slate-500">
                  {[g.allowConsole && "console", g.allowCli && "CLI"].filter(Boolean).join(" + ")} ·
                  up to {formatDuration(g.maxSessionDurationSeconds)}
                  {g.needsMfaStepUp && " · needs MFA"}
                  {g.until && (
                    <>
                      {" · until "}
                      <UtcTime value={g.until} />
                    </>
                  )}
                  {g.byRequest.length > 0 && ` · by approved request ${g.byRequest.join(", ")}`}
                  {u.person.identities.length > 1 && ` · through ${g.via.join(", ")}`}
                </span>
              </h3>
              <AccessRulesTable rules={g.rules} />
            </div>
          ))}
        </div>
      ))}
    </section>
  );
}

/** The identities a person signs in with, and each one's groups as last asserted. */
function IdentitiesOf({ person }: { person: ReviewedPerson }) {
  return (
    <ul className="text-sm text-slate-600">
      {person.identities.map((i) => (
        <li key={i.id} data-testid="person-identity">
          {i.issuer} · {i.email ?? i.subject} · groups as last asserted
          {i.lastLoginAt && (
            <>
              {" "}
              (<UtcTime value={i.lastLoginAt} />)
            </>
          )}
          : {i.groups.join(", ") || "none"}
        </li>
      ))}
    </ul>
  );
}

/** Granted reads green, denied red, "only with MFA" amber. */
const DECISION_TONE: Record<keyof typeof DECISION_TEXT, string> = {
  granted: "text-emerald-700",
  "requires-mfa": "text-amber-700",
  expired: "text-red-700",
  "no-rule": "text-red-700",
  "no-outputs": "text-red-700",
  "output-not-allowed": "text-red-700",
  eligible: "text-amber-700",
  "role-unavailable": "text-red-700",
};

async function explainSection(email: string, roleArn: string, values: Record<string, string>) {
  const output = values.output === "console" || values.output === "cli" ? values.output : undefined;
  const explained = await explainUserRole(
    getDb(),
    { email, roleArn, mfaAuthenticated: values.mfa === "1", ...(output ? { output } : {}) },
    currentTime(),
  );
  if (explained === null)
    return <p className="text-sm text-slate-600">No role with this ARN in Gatehouse.</p>;
  if (explained.length === 0)
    return (
      <p className="text-sm text-slate-600">No user with this email has signed in to Gatehouse.</p>
    );
  return (
    <section className="space-y-4" data-testid="explain">
      {explained.map((e) => (
        <div
          key={e.person.id}
          className="space-y-2 overflow-hidden rounded-xl border border-slate-200 bg-white shadow-sm"
        >
          <h2 className="px-4 pt-3 text-lg font-semibold">
            Can {email} use {e.role.accountName} / {e.role.name}?
          </h2>
          <p
            className={`px-4 font-medium ${DECISION_TONE[e.explanation.decision]}`}
            data-testid="explain-decision"
            data-decision={e.explanation.decision}
          >
            {DECISION_TEXT[e.explanation.decision]}
            {e.explanation.grant &&
              ` — ${[e.explanation.grant.allowConsole && "console", e.explanation.grant.allowCli && "CLI"].filter(Boolean).join(" + ")}, up to ${formatDuration(e.explanation.grant.maxSessionDurationSeconds)}`}
          </p>
          <p className="px-4 text-xs text-slate-500">
            {e.person.identities.length > 1 && "The best answer of this person's identities: "}
            signing in with {e.via.issuer}, whose groups as last asserted are{" "}
            {e.via.groups.join(", ") || "none"}.
          </p>
          <AccessRulesTable
            rules={e.rules}
            verdicts={
              new Map(e.explanation.rules.map((r) => [r.ruleId, describeVerdict(r.verdict)]))
            }
          />
        </div>
      ))}
    </section>
  );
}

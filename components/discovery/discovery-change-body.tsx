import type { ReactNode } from "react";
import { accountStatusGrants, type DiscoveryChange } from "@/lib/discovery/changes";
import { ArnText } from "../arn-text";
import { EnvironmentBadge } from "../environment-badge";
import { ProposedRoleView, TrustVerdictView, UntrustedWarning } from "./discovery-trust";
import { counted, fieldLabel, fieldValue, organizationStatusLabel } from "./discovery-wording";

function Title({ children }: { children: ReactNode }) {
  return <p className="font-medium text-slate-900">{children}</p>;
}

function AccountId({ id }: { id: string }) {
  return <span className="ml-1 font-mono text-xs font-normal text-slate-500">{id}</span>;
}

function FromTo({ label, from, to }: { label: string; from: ReactNode; to: ReactNode }) {
  return (
    <div className="flex flex-wrap items-baseline gap-x-2 text-sm" data-testid="discovery-field">
      <dt className="text-slate-500">{label}</dt>
      <dd className="break-all">
        <span className="text-slate-500 line-through decoration-slate-400">{from}</span>
        <span className="mx-1.5 text-slate-500" aria-label="becomes">
          →
        </span>
        <span className="text-slate-900">{to}</span>
      </dd>
    </div>
  );
}

function Tags({ tags }: { tags: Record<string, string> }) {
  const entries = Object.entries(tags);
  if (entries.length === 0) return <span className="text-slate-500">no tags</span>;
  return (
    <span className="inline-flex flex-wrap gap-1">
      {entries.map(([k, v]) => (
        <span
          key={k}
          className="rounded bg-slate-100 px-1.5 py-0.5 font-mono text-xs text-slate-700"
        >
          {k}={v}
        </span>
      ))}
    </span>
  );
}

/** "N access rules stop granting" (or grant again): what a change does to people's access. */
function RuleEffect({ count, isStopping }: { count: number; isStopping: boolean }) {
  if (count === 0) return <p className="text-sm text-slate-500">No access rules use it.</p>;
  const isOne = count === 1;
  const effect = isStopping
    ? `${isOne ? "stops" : "stop"} granting`
    : `${isOne ? "grants" : "grant"} again`;
  return (
    <p
      className={`text-sm font-medium ${isStopping ? "text-red-700" : "text-emerald-700"}`}
      data-testid="discovery-rule-effect"
    >
      {counted(count, "access rule")} {effect}
    </p>
  );
}

/** One proposed change, worded for its kind. */
export function DiscoveryChangeBody({ change }: { change: DiscoveryChange }) {
  switch (change.kind) {
    case "account-new":
      return (
        <div className="space-y-2">
          <Title>
            New account {change.name}
            <AccountId id={change.accountId} />
          </Title>
          <dl className="grid grid-cols-[auto_1fr] gap-x-3 gap-y-1 text-sm">
            <dt className="text-slate-500">Environment</dt>
            <dd>
              <EnvironmentBadge environment={change.environment} />
            </dd>
            <dt className="text-slate-500">OU path</dt>
            <dd className="font-mono text-xs break-all">{change.path || "—"}</dd>
            {change.status !== "ACTIVE" && (
              <>
                <dt className="text-slate-500">Status</dt>
                <dd className="text-amber-800">{organizationStatusLabel(change.status)}</dd>
              </>
            )}
            <dt className="text-slate-500">Tags</dt>
            <dd>
              <Tags tags={change.tags} />
            </dd>
          </dl>
          {change.rolesError !== null ? (
            <p className="rounded-md bg-amber-50 px-3 py-2 text-sm text-amber-900">
              Its roles could not be read ({change.rolesError}): the account is added without roles;
              the next discovery reads them again.
            </p>
          ) : change.roles.length === 0 ? (
            <p className="text-sm text-slate-500">
              No role in it trusts the broker or a SAML provider.
            </p>
          ) : (
            <div className="space-y-2 border-l-2 border-slate-100 pl-3">
              <p className="text-xs font-medium tracking-wide text-slate-500 uppercase">
                {counted(change.roles.length, "role")} added with it
              </p>
              {change.roles.map((role) => (
                <ProposedRoleView key={role.arn} role={role} />
              ))}
            </div>
          )}
        </div>
      );
    case "role-new":
      return (
        <div className="space-y-1">
          <Title>
            New role in {change.accountName}
            <AccountId id={change.accountId} />
          </Title>
          <ProposedRoleView role={change.role} />
        </div>
      );
    case "role-gone":
      return (
        <div className="space-y-1">
          <Title>
            {change.name} in {change.accountName} is gone from AWS
          </Title>
          <p className="font-mono text-xs text-slate-500">
            <ArnText arn={change.arn} />
          </p>
          <RuleEffect count={change.ruleCount} isStopping />
          <p className="text-xs text-slate-500">
            The role is marked, not deleted: its rules grant again if it comes back.
          </p>
        </div>
      );
    case "role-returned":
      return (
        <div className="space-y-1">
          <Title>
            {change.name} in {change.accountName} is back in AWS
          </Title>
          <p className="font-mono text-xs text-slate-500">
            <ArnText arn={change.arn} />
          </p>
          <p className="text-sm text-emerald-700">Its access rules grant again.</p>
        </div>
      );
    case "role-changed":
      return (
        <div className="space-y-2">
          <Title>
            {change.name} in {change.accountName} changed
          </Title>
          <p className="font-mono text-xs text-slate-500">
            <ArnText arn={change.arn} />
          </p>
          <dl className="space-y-1">
            {change.fields.map((f) => (
              <FromTo
                key={f.field}
                label={fieldLabel(f.field)}
                from={fieldValue(f.field, f.from)}
                to={fieldValue(f.field, f.to)}
              />
            ))}
          </dl>
          {change.trust.kind === "untrusted" ? (
            <UntrustedWarning reason={change.trust.reason} />
          ) : (
            <div className="flex items-center gap-2 text-sm text-slate-500">
              Assumed by <TrustVerdictView trust={change.trust} />
            </div>
          )}
        </div>
      );
    case "account-renamed":
      return (
        <div className="space-y-1">
          <Title>
            Account renamed
            <AccountId id={change.accountId} />
          </Title>
          <dl>
            <FromTo label="Name" from={change.from} to={change.to} />
          </dl>
        </div>
      );
    case "account-status":
      return (
        <div className="space-y-1">
          <Title>
            {change.accountName}
            <AccountId id={change.accountId} />
          </Title>
          <dl>
            <FromTo
              label="Organization status"
              from={organizationStatusLabel(change.from)}
              to={organizationStatusLabel(change.to)}
            />
          </dl>
          {accountStatusGrants(change.from) !== accountStatusGrants(change.to) ? (
            <RuleEffect count={change.ruleCount} isStopping={!accountStatusGrants(change.to)} />
          ) : (
            <p className="text-sm text-slate-500">
              Its access rules still grant{" "}
              {accountStatusGrants(change.to) ? "as before" : "nothing"}.
            </p>
          )}
        </div>
      );
    case "account-details":
      return (
        <div className="space-y-1">
          <Title>
            {change.accountName}
            <AccountId id={change.accountId} />
          </Title>
          <dl className="space-y-1">
            {change.environment && (
              <FromTo
                label="Environment"
                from={change.environment.from}
                to={change.environment.to}
              />
            )}
            {change.path && (
              <FromTo label="OU path" from={change.path.from || "—"} to={change.path.to || "—"} />
            )}
            {change.tags && (
              <FromTo
                label="Tags"
                from={<Tags tags={change.tags.from} />}
                to={<Tags tags={change.tags.to} />}
              />
            )}
          </dl>
        </div>
      );
  }
}

import Link from "next/link";
import type { ReactNode } from "react";
import type { MyAccess, MyRole } from "@/lib/access-review/my-access";
import { describeMyReason } from "@/lib/access-review/my-access-words";
import { credentialsOfferPath, deepLinkPath } from "@/lib/access/deep-link-path";
import type { IdentityView } from "@/lib/auth/identity-view";
import { IntentLink } from "./intent-link";
import { UtcTime } from "./utc-time";

/** The /me page: the identity and sign-in, then the roles with why (server-rendered only). */
export function MyAccessView({
  identity,
  access,
  labelOf,
}: {
  identity: IdentityView;
  access: MyAccess;
  labelOf: (issuer: string) => string;
}) {
  return (
    <>
      <div>
        <h1 className="text-2xl font-semibold">Your sign-in and access</h1>
        <p className="mt-1 text-sm text-slate-600">
          What the portal knows about you, and why you can (or can’t) use each role.
        </p>
      </div>
      <IdentitySection identity={identity} />
      <section className="space-y-3" data-testid="my-roles">
        <h2 className="text-lg font-semibold">Your roles ({access.granted.length})</h2>
        {access.granted.length === 0 ? (
          <p className="text-sm text-slate-600">
            No rule grants you a role.{" "}
            <Link className="text-indigo-700 underline" href="/requests">
              Access requests
            </Link>{" "}
            lists the roles you may request.
          </p>
        ) : (
          <RoleReasons roles={access.granted} labelOf={labelOf} />
        )}
      </section>
      {access.notGranted.length > 0 && (
        <section className="space-y-3" data-testid="my-other-roles">
          <h2 className="text-lg font-semibold">Named in a rule, but not yours now</h2>
          <RoleReasons roles={access.notGranted} labelOf={labelOf} />
        </section>
      )}
      <p className="text-sm text-slate-600">
        A role not listed here is named by no rule for you or your groups; ask an administrator, who
        can check it under Access review.
      </p>
    </>
  );
}

function IdentitySection({ identity: id }: { identity: IdentityView }) {
  const rows: Array<[string, ReactNode, string]> = [
    ["Name", id.name ?? "—", "name"],
    [
      "Email",
      id.email ? `${id.email}${id.emailVerified ? "" : " (not verified by the IdP)"}` : "—",
      "email",
    ],
    ["Signed in with", `${id.idpLabel}, by ${id.method}`, "method"],
    [
      "Issuer",
      <code key="i" className="font-mono text-xs break-all">
        {id.issuer}
      </code>,
      "issuer",
    ],
    [
      "Subject",
      <code key="s" className="font-mono text-xs break-all">
        {id.subject}
      </code>,
      "subject",
    ],
    [
      "MFA",
      id.mfaAuthenticated
        ? "Yes: this sign-in counts as MFA for rules that require it"
        : "No: rules that require MFA ask you to sign in again with MFA",
      "mfa",
    ],
    ["Signed in", <UtcTime key="a" value={id.signedInAt} />, "signed-in-at"],
    ["Session ends", <UtcTime key="e" value={id.sessionEndsAt} />, "session-ends"],
    [
      "AWS session name",
      <span key="r">
        <code className="font-mono text-xs">{id.roleSessionName}</code>
        <span className="text-slate-500">
          {" "}
          (roles the broker assumes; a role reached through the IdP&apos;s AWS app takes the name
          the IdP sends)
        </span>
      </span>,
      "role-session-name",
    ],
    [
      "Portal roles",
      [id.isAdmin && "admin", id.isAuditor && "auditor"].filter(Boolean).join(", ") || "—",
      "privileges",
    ],
  ];
  return (
    <section className="space-y-3" data-testid="identity">
      <h2 className="text-lg font-semibold">Signed in as</h2>
      {/* Label above value on a phone (a label column left the values a third of the width);
          from 640 px, two columns. */}
      <dl className="grid grid-cols-1 gap-y-2 rounded-lg border border-slate-200 bg-white p-4 text-sm sm:grid-cols-[max-content_1fr] sm:gap-x-6 sm:gap-y-1.5">
        {rows.map(([label, value, testId]) => (
          <div key={testId} className="sm:contents">
            <dt className="text-slate-500">{label}</dt>
            <dd data-testid={`me-${testId}`}>{value}</dd>
          </div>
        ))}
        <div className="sm:contents">
          <dt className="text-slate-500">Groups from your IdP</dt>
          <dd data-testid="me-groups">
            {id.groups.length === 0 ? (
              "none"
            ) : (
              <ul className="flex flex-wrap gap-1.5">
                {id.groups.map((g) => (
                  <li key={g} className="rounded bg-slate-100 px-1.5 font-mono text-xs">
                    {g}
                  </li>
                ))}
              </ul>
            )}
          </dd>
        </div>
      </dl>
    </section>
  );
}

function RoleReasons({
  roles,
  labelOf,
}: {
  roles: readonly MyRole[];
  labelOf: (issuer: string) => string;
}) {
  return (
    <ul className="divide-y divide-slate-100 rounded-lg border border-slate-200 bg-white">
      {roles.map((r) => (
        <li key={r.roleId} className="px-4 py-2.5 text-sm" data-testid="my-role">
          <div className="flex flex-wrap items-baseline gap-x-2">
            <span className="font-medium" data-testid="my-role-name">
              {r.account.name} / {r.roleName}
            </span>
            <span className="font-mono text-xs text-slate-500">{r.account.accountId}</span>
            {r.accessEndsAt && (
              <span className="text-xs text-amber-800">
                until <UtcTime value={r.accessEndsAt} />
              </span>
            )}
            <RoleActions role={r} />
          </div>
          <ul className="mt-1 list-disc pl-5 text-slate-600">
            {r.reasons.map((reason, i) => (
              <li key={i} data-testid="my-role-reason">
                {describeMyReason(reason, labelOf)}
              </li>
            ))}
          </ul>
        </li>
      ))}
    </ul>
  );
}

/**
 * What a role row offers: for a granted role, its console through the deep link (which asks for an
 * MFA sign-in first when the role needs one) and its CLI credentials, opened on the accounts page
 * by this click (the same address from elsewhere only offers them); for a role one may request,
 * the request.
 */
function RoleActions({ role: r }: { role: MyRole }) {
  const link = "text-sm text-indigo-700 underline";
  if (r.decision === "eligible")
    return (
      <span className="ml-auto">
        <Link className={link} href="/requests" data-testid="my-role-request">
          Request access
        </Link>
      </span>
    );
  if (r.decision !== "granted" && r.decision !== "requires-mfa") return null;
  const afterMfa = r.needsMfaStepUp ? " (after an MFA sign-in)" : "";
  return (
    <span className="ml-auto flex gap-x-4">
      {r.allowConsole && (
        <Link
          className={link}
          href={deepLinkPath({ account: r.account.accountId, role: r.roleName })}
          data-testid="my-role-console"
        >
          Open console{afterMfa}
        </Link>
      )}
      {r.allowCli && (
        <IntentLink className={link} href={credentialsOfferPath(r.roleId)} testId="my-role-cli">
          CLI credentials{afterMfa}
        </IntentLink>
      )}
    </span>
  );
}

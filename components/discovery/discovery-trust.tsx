import Link from "next/link";
import type { ProposedRole } from "@/lib/discovery/changes";
import type { TrustVerdict } from "@/lib/discovery/trust-policy";
import { ArnText } from "../arn-text";
import { formatDuration } from "../format-duration";

/** Where an admin tries a role the way an issuance would (the Broker page's "Check a role"). */
export const ROLE_CHECK_HREF = "/admin/broker#role-check";

const TAG = "rounded-md px-1.5 py-0.5 text-xs font-medium ring-1 ring-inset";

/** How the portal would assume a role, by its trust policy as discovery read it. */
export function TrustVerdictView({ trust }: { trust: TrustVerdict }) {
  switch (trust.kind) {
    case "broker":
      return (
        <span
          className="flex flex-wrap items-center gap-1.5"
          data-testid="discovery-trust"
          data-trust="broker"
        >
          <span className={`${TAG} bg-slate-100 text-slate-700 ring-slate-500/20`}>broker</span>
          {trust.requiresMfa && (
            <span className={`${TAG} bg-indigo-50 text-indigo-700 ring-indigo-600/20`}>
              needs MFA
            </span>
          )}
          {trust.requiresExternalId && (
            <span
              className={`${TAG} bg-amber-50 text-amber-800 ring-amber-600/30`}
              data-testid="discovery-external-id"
            >
              needs an external id: set it on the role after applying, or the portal can&apos;t
              assume it
            </span>
          )}
        </span>
      );
    case "saml":
      return (
        <span
          className="flex flex-wrap items-center gap-1.5"
          data-testid="discovery-trust"
          data-trust="saml"
        >
          <span className={`${TAG} bg-slate-100 text-slate-700 ring-slate-500/20`}>SAML</span>
          <span className="font-mono text-xs text-slate-600">
            <ArnText arn={trust.samlProviderArn} />
          </span>
        </span>
      );
    case "untrusted":
      return <UntrustedWarning reason={trust.reason} />;
  }
}

/** The portal could not assume the role: say why, and where to try it. */
export function UntrustedWarning({ reason }: { reason: string }) {
  return (
    <div
      className="rounded-md border border-red-200 bg-red-50 px-3 py-2 text-sm text-red-800"
      data-testid="discovery-untrusted"
      data-trust="untrusted"
    >
      <p className="font-semibold">The portal cannot assume this role</p>
      <p>
        Reason: {reason.replace(/\.$/, "")}.{" "}
        <Link href={ROLE_CHECK_HREF} className="font-medium text-red-900 underline">
          Check a role
        </Link>
      </p>
    </div>
  );
}

/** A role as discovery would create it: name, ARN, how it would be assumed, longest session. */
export function ProposedRoleView({ role }: { role: ProposedRole }) {
  return (
    <div className="space-y-1" data-testid="discovery-proposed-role" data-arn={role.arn}>
      <div className="flex flex-wrap items-center gap-x-3 gap-y-1">
        <span className="font-medium text-slate-900">{role.name}</span>
        <TrustVerdictView trust={role.trust} />
        <span className="text-xs text-slate-500">
          max {formatDuration(role.maxSessionDurationSeconds)}
        </span>
      </div>
      <p className="font-mono text-xs text-slate-500">
        <ArnText arn={role.arn} />
      </p>
      {role.description && <p className="text-xs text-slate-500">{role.description}</p>}
    </div>
  );
}

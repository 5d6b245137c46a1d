import { sourceIdentityDenyPolicy } from "@/lib/aws/revocation-policy";
import type { RevocationNotice } from "@/lib/people/revocation-notice";
import { UtcTime } from "./utc-time";

/**
 * After "Revoke access": what ended at the portal, and the IAM policy that ends what AWS already
 * issued (README "Revoking a person"). The policy names the SourceIdentity values their AWS
 * sessions carry, and by session name those AWS recorded without one.
 */
export function PersonRevocationNotice({
  who,
  sourceIdentities,
  sessionNames,
  revokedAt,
  sessions,
  tokens,
  elevations,
  requests,
}: RevocationNotice) {
  return (
    <section
      role="status"
      className="space-y-2 rounded-md border border-emerald-200 bg-emerald-50 px-3 py-2 text-sm text-emerald-900"
      data-testid="person-revoked"
    >
      <p>
        Revoked {who}: {sessions} portal session{sessions === 1 ? "" : "s"} and {tokens} CLI session
        {tokens === 1 ? "" : "s"} ended on every replica, {elevations} approved elevation
        {elevations === 1 ? "" : "s"} ended and {requests} pending access request
        {requests === 1 ? "" : "s"} cancelled. They must sign in again; their access rules are
        unchanged.
      </p>
      <p>
        AWS credentials and console sessions issued before{" "}
        <UtcTime value={revokedAt} form="second" /> keep working until they expire (at most 12
        hours). To end them now, attach this policy to the roles (or as a service control policy
        over the accounts):
      </p>
      <pre
        className="overflow-x-auto rounded bg-white p-2 font-mono text-xs text-slate-800"
        data-testid="deny-policy"
      >
        {sourceIdentityDenyPolicy(sourceIdentities, revokedAt, sessionNames)}
      </pre>
    </section>
  );
}

/** The button on a person's card; the page explains what it does before anyone presses it. */
export function RevokePersonForm({
  personId,
  q,
  page = 1,
  who,
  action,
}: {
  personId: string;
  q: string;
  /** The page of the list to come back to. */
  page?: number;
  who: string;
  action: (form: FormData) => Promise<void>;
}) {
  return (
    <details className="text-xs">
      <summary className="cursor-pointer text-red-700">Revoke access…</summary>
      <form action={action} className="mt-2 space-y-2">
        <input type="hidden" name="personId" value={personId} />
        <input type="hidden" name="q" value={q} />
        <input type="hidden" name="page" value={String(page)} />
        <p className="max-w-md text-slate-600">
          Ends every portal and CLI session of {who} at once, with their approved elevations and
          pending access requests. They can sign in again unless the identity provider stops them;
          the page then shows the AWS policy for credentials already issued.
        </p>
        <button
          type="submit"
          className="rounded-md border border-red-300 px-2 py-1 text-red-700 hover:bg-red-50"
          data-testid="revoke-person"
        >
          Revoke {who}&apos;s sessions now
        </button>
      </form>
    </details>
  );
}

import { contactParts } from "./contact-links";

export function NoAccess({
  contact,
  userLabel,
  isAuditor = false,
  requestableRoles = 0,
}: {
  contact: string;
  userLabel: string;
  /** Roles open to this person by request (docs/ACCESS-REQUESTS.md): offered first. */
  requestableRoles?: number;
  /** Auditors without roles of their own are told where their work is. */
  isAuditor?: boolean;
}) {
  return (
    <section
      className="mx-auto mt-12 max-w-lg rounded-xl border border-slate-200 bg-white p-8 text-center shadow-sm"
      data-testid="no-access"
    >
      <h1 className="text-xl font-semibold">No AWS access yet</h1>
      <p className="mt-3 text-slate-600">
        You are signed in as <span className="font-medium text-slate-900">{userLabel}</span>, but no
        account or role has been granted to you or to any of your groups.
      </p>
      {requestableRoles > 0 && (
        <p className="mt-4" data-testid="no-access-request">
          <a
            href="/requests"
            className="inline-block rounded-md bg-indigo-600 px-4 py-2 font-medium text-white hover:bg-indigo-500"
          >
            Request access
          </a>
          <span className="mt-2 block text-sm text-slate-600">
            {requestableRoles === 1 ? "One role is" : `${requestableRoles} roles are`} open to you
            by request, approved by someone else.
          </span>
        </p>
      )}
      <p className="mt-3 text-slate-600">
        {requestableRoles > 0 ? "For anything else, ask" : "To get access, ask"}{" "}
        <span className="font-medium text-slate-900" data-testid="no-access-contact">
          {contactParts(contact).map((part, i) =>
            "href" in part ? (
              <a key={i} href={part.href} className="text-indigo-700 underline">
                {part.text}
              </a>
            ) : (
              part.text
            ),
          )}
        </span>
        . Say which AWS account and role you need and for what; once they grant it, sign out and in
        again.
      </p>
      {isAuditor && (
        <p className="mt-3 text-slate-600" data-testid="no-access-auditor">
          As an auditor you can read the{" "}
          <a href="/admin/audit" className="text-indigo-700 hover:underline">
            audit log
          </a>{" "}
          and{" "}
          <a href="/admin/access" className="text-indigo-700 hover:underline">
            review who has access
          </a>
          .
        </p>
      )}
    </section>
  );
}

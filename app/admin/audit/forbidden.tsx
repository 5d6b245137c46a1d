import Link from "next/link";
import { headers } from "next/headers";

/** The friendly 403 for signed-in people who are neither auditors nor admins. */
export default async function AuditForbidden() {
  const requestId = (await headers()).get("x-request-id");
  return (
    <main className="flex min-h-screen items-center justify-center px-4">
      <div
        className="max-w-md rounded-xl border border-slate-200 bg-white p-8 text-center shadow-sm"
        data-testid="forbidden"
      >
        <h1 className="text-xl font-semibold">The audit log is for auditors</h1>
        <p className="mt-2 text-slate-600">
          Only auditors and Gatehouse administrators can read or export the audit log. If your work
          needs it, ask your administrators to add you to the auditor group.
        </p>
        {requestId && (
          <p className="mt-2 text-xs text-slate-500">
            Request id: <code className="font-mono">{requestId}</code>
          </p>
        )}
        <Link href="/accounts" className="mt-6 inline-block text-indigo-600 hover:underline">
          Back to your accounts
        </Link>
      </div>
    </main>
  );
}

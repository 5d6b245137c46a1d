import Link from "next/link";
import { headers } from "next/headers";

/**
 * The friendly 403 a signed-in person sees on a page their role doesn't cover: what the page is
 * for, whom to ask, and the way back. Nothing of the page itself. The request id lets support
 * find the matching admin.denied audit event.
 */
export async function ForbiddenNotice({ title, children }: { title: string; children: string }) {
  const requestId = (await headers()).get("x-request-id");
  return (
    <main className="flex min-h-screen items-center justify-center px-4">
      <div
        className="max-w-lg rounded-xl border border-slate-200 bg-white p-8 text-center shadow-sm"
        data-testid="forbidden"
      >
        <p className="text-sm font-semibold tracking-wide text-slate-500 uppercase">
          403 · Not allowed
        </p>
        <h1 className="mt-2 text-xl font-semibold">{title}</h1>
        <p className="mt-3 text-slate-600">{children}</p>
        {requestId && (
          <p className="mt-3 text-xs text-slate-500">
            Request id: <code className="font-mono">{requestId}</code>
          </p>
        )}
        <Link
          href="/accounts"
          className="mt-6 inline-block rounded-md bg-indigo-600 px-4 py-2 text-sm font-medium text-white hover:bg-indigo-500"
        >
          Back to your accounts
        </Link>
      </div>
    </main>
  );
}
